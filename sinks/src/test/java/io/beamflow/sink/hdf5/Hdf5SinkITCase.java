package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.config.SinkConfig;
import io.beamflow.core.result.FrameResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The HDF5 sink in a real Flink MiniCluster: committed files, keyed parallel writers, failure and replay. */
class Hdf5SinkITCase {
    static final int FRAMES = 40;
    static final String[] SERIES = {"scan-a", "scan/b/../../evil"};

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path root;

    /** Maps a sequence number to the results of two interleaved series (start, frames 1..N, end). */
    static final class ToResult implements MapFunction<Long, FrameResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public FrameResult map(Long i) {
            String series = SERIES[(int) (i % 2)];
            long j = i / 2;
            if (j == 0) {
                return SeriesFixture.series(series, 1).get(0);
            }
            if (j == FRAMES + 1) {
                return FrameResult.seriesEnd(series, FRAMES);
            }
            return SeriesFixture.frame(series, j);
        }
    }

    /** Throws once, at a frame after the first completed checkpoint; paces the stream so checkpoints happen. */
    static final class FailOnceAfterCheckpoint implements MapFunction<FrameResult, FrameResult>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger CHECKPOINTS = new AtomicInteger();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static volatile boolean enabled;

        @Override
        public FrameResult map(FrameResult r) throws Exception {
            Thread.sleep(15);
            if (enabled && r.kind == FrameResult.Kind.FRAME && r.frameNumber >= 20 && CHECKPOINTS.get() >= 1
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at " + r);
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    private SinkConfig config() {
        SinkConfig c = new SinkConfig();
        c.outputRoot = root.toString();
        c.beamtime = "mx-2026";
        c.framesPerFile = 3;
        c.compression = "bslz4";
        c.detector = new DetectorInfo();
        return c;
    }

    private void run(boolean keyed, boolean fail) throws Exception {
        FailOnceAfterCheckpoint.CHECKPOINTS.set(0);
        FailOnceAfterCheckpoint.FAILED.set(false);
        FailOnceAfterCheckpoint.enabled = fail;
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(100);
        env.setParallelism(1);
        DataStream<FrameResult> results = env
                .fromSource(new NumberSequenceSource(0, 2L * (FRAMES + 2) - 1), WatermarkStrategy.noWatermarks(), "seq")
                .map(new ToResult())
                .map(new FailOnceAfterCheckpoint());
        Hdf5Sink sink = new Hdf5Sink(config());
        if (keyed) {
            results.keyBy(r -> r.seriesId).sinkTo(sink).setParallelism(2);
        } else {
            results.sinkTo(sink);
        }
        env.execute("hdf5-sink-itcase");
    }

    private void assertCommitted() throws Exception {
        List<Path> masters = Hdf5Output.committedMasters(config());
        assertEquals(2, masters.size(), masters.toString());
        for (String s : SERIES) {
            Path dir = SeriesPaths.of(Hdf5SinkSettings.of(config()), s).seriesDir();
            assertTrue(dir.startsWith(root.resolve("mx-2026")), "series stays under the beamtime: " + dir);
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(Hdf5Output.isSeriesClosed(dir), "series closed: " + files.map(p -> p.getFileName() + ":" + p.toFile().length()).toList());
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertFalse(files.anyMatch(SeriesPaths::isInProgress), "no in-progress file in " + dir);
            }
            NexusSeriesWriterTest.assertSeries(SeriesPaths.of(Hdf5SinkSettings.of(config()), s).master(), s, FRAMES);
        }
    }

    @Test
    @Timeout(180)
    void shouldCommitSeriesAtParallelismOne() throws Exception {
        run(false, false);
        assertCommitted();
    }

    @Test
    @Timeout(180)
    void shouldWriteEveryFrameExactlyOnceAfterFailureAndReplay() throws Exception {
        run(true, true);
        assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the injected failure happened after a checkpoint");
        assertCommitted();
    }
}
