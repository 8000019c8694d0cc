package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.testing.FlinkProcessCluster;
import io.beamflow.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reduction job on a multi-process standalone cluster (JobManager + TaskManager JVMs on loopback)
 * at parallelism 2; a TaskManager is killed (SIGKILL) mid-series and replaced; every frame is committed
 * exactly once.
 */
class MultiProcessClusterITCase {
    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void shouldRecoverFromKilledTaskManagerWithEveryFrameCommittedExactlyOnce() throws Exception {
        Path journals = dir.resolve("journal");
        int frames = 200;
        int firstHalf = 100;
        SimulationParameters p = SimulationParameters.defaults(128, 96).withHitFraction(0.0);
        FrameSynthesizer synthA = new FrameSynthesizer(p);
        FrameSynthesizer synthB = new FrameSynthesizer(p.withSeed(5));
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 2);
        RuleDocumentCodec.writeActive(Path.of(config.reduction.rulesDirectory), new RuleDocument(4, "test", 0, "",
                List.of(new TriggerRule("every-third", "frame.number % 3 == 0", Decision.VETO, 1)), Decision.KEEP));
        Path out = dir.resolve("out");
        try (FlinkProcessCluster cluster = new FlinkProcessCluster(dir.resolve("cluster"), 1);
                JournalFixture a = new JournalFixture(journals, "stream-a");
                JournalFixture b = new JournalFixture(journals, "stream-b")) {
            a.seriesStart("mp-a", "{}");
            b.seriesStart("mp-b", "{}");
            write(a, "mp-a", synthA, 0, firstHalf);
            write(b, "mp-b", synthB, 0, firstHalf);
            Process victim = cluster.startTaskManager();
            cluster.startTaskManager();
            cluster.awaitTaskManagers(2, 90_000);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1",
                    cluster.restPort());
            env.setParallelism(2);
            env.enableCheckpointing(500);
            ReductionJob.build(env, config).sinkTo(new CommittingCollectSink(out));
            JobClient job = env.executeAsync("multi-process");

            awaitCompletedCheckpoint(dir.resolve("cluster/checkpoints"), 180_000);
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "TaskManager killed");
            cluster.startTaskManager();
            write(a, "mp-a", synthA, firstHalf, frames);
            write(b, "mp-b", synthB, firstHalf, frames);
            a.seriesEnd("mp-a", frames);
            b.seriesEnd("mp-b", frames);
            job.getJobExecutionResult().get(300, TimeUnit.SECONDS);
            String exceptions = cluster.get("/jobs/" + job.getJobID() + "/exceptions");
            assertTrue(exceptions.contains("\"exceptionName\""), "the job failed over after the kill: " + exceptions);
            System.out.println("job exception history after the kill: " + exceptions);
        }
        ExactlyOnceITCase.assertEveryResultCommittedOnce(CommittingCollectSink.committed(out),
                List.of("mp-a", "mp-b"), frames);
    }

    private static void write(JournalFixture j, String series, FrameSynthesizer synth, int from, int to) {
        for (int i = from; i < to; i++) {
            SimulatedFrame f = synth.frame(i);
            j.frame(series, i, 0, 1, 128, 96, FrameSynthesizer.toLittleEndianBytes(f));
        }
    }

    private static void awaitCompletedCheckpoint(Path checkpoints, long timeoutMs) {
        Await.until(Duration.ofMillis(timeoutMs), () -> "a completed checkpoint (_metadata) under " + checkpoints,
                () -> {
                    if (!Files.isDirectory(checkpoints)) {
                        return false;
                    }
                    try (Stream<Path> s = Files.walk(checkpoints, 3)) {
                        return s.anyMatch(f -> f.getFileName().toString().equals("_metadata"));
                    } catch (IOException | UncheckedIOException e) {
                        return false; // a checkpoint directory deleted while walking
                    }
                });
    }
}
