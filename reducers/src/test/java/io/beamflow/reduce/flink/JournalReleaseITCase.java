package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.journal.CheckpointedIndexFile;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.testing.SharedMiniCluster;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream whose split finished (bounded mode) is released up to its very end by the checkpoint that
 * completes after the split ended. Before, a finished split dropped out of the checkpointed state and its
 * last position was never published, so the journal of a stream read to its end was kept for ever (and
 * tests that awaited a release after the job ended depended on a periodic checkpoint falling while the
 * split was still being read).
 */
class JournalReleaseITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldPublishTheEndOfAFinishedStreamAtTheCheckpointAfterItsSplitFinished() throws Exception {
        Path journals = dir.resolve("journal");
        try (JournalFixture stream = new JournalFixture(journals, "stream-a")) {
            stream.series("series-a", new FrameSynthesizer(SimulationParameters.defaults(64, 48)), 20);
        }
        long lastIndex;
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(journals.resolve("stream-a")))) {
            lastIndex = journal.lastIndex();
        }
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        // Periodic checkpoints may fall while the split is read; the job's last one is taken after it finished.
        env.enableCheckpointing(200);
        ReductionJob.build(env, config).sinkTo(new DiscardingSink<>());
        env.execute("journal-release");

        assertEquals(lastIndex + 1, CheckpointedIndexFile.read(journals.toString(), "stream-a"),
                "the checkpointed index is the one after the stream's last record");
    }
}
