package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.core.journal.CheckpointedIndexFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.beamflow.testing.SharedMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A failure in the middle of a series: after recovery every result is committed exactly once. */
class ExactlyOnceITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shouldCommitEveryFrameExactlyOnceAfterAFailingOperator() throws Exception {
        Path journals = dir.resolve("journal");
        int frames = 300;
        SimulationParameters p = SimulationParameters.defaults(128, 96).withHitFraction(0.0);
        try (JournalFixture a = new JournalFixture(journals, "stream-a");
                JournalFixture b = new JournalFixture(journals, "stream-b")) {
            a.series("eo-a", new FrameSynthesizer(p), frames);
            b.series("eo-b", new FrameSynthesizer(p.withSeed(5)), frames);
        }
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 2);
        RuleDocumentCodec.writeActive(Path.of(config.reduction.rulesDirectory), new RuleDocument(4, "test", 0, "",
                List.of(new TriggerRule("every-third", "frame.number % 3 == 0", Decision.VETO, 1)), Decision.KEEP));

        FailOnceAfterCheckpointMap.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        ReductionJob.build(env, config)
                .map(new FailOnceAfterCheckpointMap()).name("fail-once")
                .sinkTo(new CommittingCollectSink(dir.resolve("out")));
        env.execute("exactly-once");

        assertTrue(FailOnceAfterCheckpointMap.FAILED.get(), "the failure was injected");
        assertTrue(FailOnceAfterCheckpointMap.MAX_ATTEMPT.get() >= 1, "the job was restarted");
        assertEveryResultCommittedOnce(CommittingCollectSink.committed(dir.resolve("out")), List.of("eo-a", "eo-b"),
                frames);
        for (String stream : List.of("stream-a", "stream-b")) {
            assertTrue(CheckpointedIndexFile.read(journals.toString(), stream) > 0,
                    "checkpointed journal index published for " + stream);
        }
    }

    /**
     * Checks that each series' markers and every frame (decided by the every-third veto rule of version 4)
     * were committed exactly once, and nothing else.
     */
    static void assertEveryResultCommittedOnce(List<String> committed, List<String> seriesIds, int frames) {
        Map<String, Integer> counts = new HashMap<>();
        committed.forEach(k -> counts.merge(k, 1, Integer::sum));
        for (String series : seriesIds) {
            assertEquals(1, counts.getOrDefault("SERIES_START " + series + "#0 ", 0), "start of " + series);
            assertEquals(1, counts.getOrDefault("SERIES_END " + series + "#" + frames + " ", 0), "end of " + series);
            for (int i = 0; i < frames; i++) {
                String key = "FRAME " + series + "#" + i + (i % 3 == 0 ? " VETO v4 nopixels" : " KEEP v4 pixels");
                assertEquals(1, counts.getOrDefault(key, 0), key + " exactly once");
            }
        }
        assertEquals(seriesIds.size() * (frames + 2), committed.size(), "nothing else committed");
    }
}
