package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.testing.FlinkProcessCluster;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One detector stream is reduced by two TaskManager processes: a JobManager and two TaskManagers with one slot
 * each run the job at parallelism 2 on a single stream, the reduce subtask on each TaskManager reduced frames
 * of it (as the cluster's REST API reports per subtask), and every frame is committed once, in order.
 */
class FrameParallelClusterITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void shouldSpreadTheFramesOfOneStreamOverTheReductionSubtasksOfTwoTaskManagers() throws Exception {
        Path journals = dir.resolve("journal");
        int frames = 120;
        try (JournalFixture stream = new JournalFixture(journals, "only-stream")) {
            stream.series("one-stream", new FrameSynthesizer(SimulationParameters.defaults(128, 96)), frames);
        }
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 1);
        // the rules ExactlyOnceITCase's check expects: every third frame vetoed, by version 4
        RuleDocumentCodec.writeActive(Path.of(config.reduction.rulesDirectory), new RuleDocument(4, "test", 0, "",
                List.of(new TriggerRule("every-third", "frame.number % 3 == 0", Decision.VETO, 1)), Decision.KEEP));
        Path out = dir.resolve("out");
        try (FlinkProcessCluster cluster = new FlinkProcessCluster(dir.resolve("cluster"), 1)) {
            cluster.startTaskManager();
            cluster.startTaskManager();
            cluster.awaitTaskManagers(2, 90_000);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1",
                    cluster.restPort());
            env.setParallelism(2);
            env.enableCheckpointing(500);
            ReductionJob.build(env, config).sinkTo(new CommittingCollectSink(out));
            JobClient job = env.executeAsync("frame-parallel");
            job.getJobExecutionResult().get(300, TimeUnit.SECONDS);

            Map<String, Long> framesByTaskManager = reducedByTaskManager(cluster, job.getJobID().toString());
            assertEquals(2, framesByTaskManager.size(), "reduce subtasks on two TaskManagers: " + framesByTaskManager);
            assertTrue(framesByTaskManager.values().stream().allMatch(n -> n > 0),
                    "each TaskManager reduced frames of the one stream: " + framesByTaskManager);
            assertEquals(frames + 2, framesByTaskManager.values().stream().mapToLong(Long::longValue).sum(),
                    "every record of the stream (frames and two markers) reduced once");
        }
        ExactlyOnceITCase.assertEveryResultCommittedOnce(CommittingCollectSink.committed(out), List.of("one-stream"),
                frames);
    }

    /** Records read by the reduce-frames subtasks, summed per TaskManager, from the finished job's REST view. */
    private static Map<String, Long> reducedByTaskManager(FlinkProcessCluster cluster, String jobId)
            throws Exception {
        String vertex = null;
        for (JsonNode v : JSON.readTree(cluster.get("/jobs/" + jobId)).get("vertices")) {
            if (v.get("name").asText().startsWith("reduce-frames")) {
                vertex = v.get("id").asText();
            }
        }
        assertTrue(vertex != null, "a reduce-frames vertex of its own (not chained to the source)");
        Map<String, Long> byTaskManager = new HashMap<>();
        for (JsonNode s : JSON.readTree(cluster.get("/jobs/" + jobId + "/vertices/" + vertex)).get("subtasks")) {
            byTaskManager.merge(s.get("taskmanager-id").asText(), s.get("metrics").get("read-records").asLong(),
                    Long::sum);
        }
        return byTaskManager;
    }
}
