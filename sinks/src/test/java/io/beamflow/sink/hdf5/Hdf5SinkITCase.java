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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.beamflow.testing.FailOnceAfterCheckpoint;
import io.beamflow.testing.SharedMiniCluster;
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
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

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

    /** Records from this index on (frames 21.. of both series) wait until the failure injection is armed. */
    static final long HOLD_FROM = 2L * 21;

    /**
     * Lets the generator emit records up to {@link #HOLD_FROM} and holds the rest until the test's failure
     * injection is armed (a checkpoint covering frames completed), so that the source cannot finish before
     * the failure, whatever the machine's speed. Checkpoints go on while records are held.
     */
    static final class HoldUntilArmed implements RateLimiterStrategy<NumberSequenceSource.NumberSequenceSplit> {
        private static final long serialVersionUID = 1L;
        private final String token;

        HoldUntilArmed(String token) {
            this.token = token;
        }

        @Override
        public RateLimiter<NumberSequenceSource.NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private long acquired;

                @Override
                public CompletionStage<Void> acquire(int records) {
                    long before = acquired;
                    acquired += records;
                    return before < HOLD_FROM ? CompletableFuture.completedFuture(null)
                            : FailOnceAfterCheckpoint.injection(token).whenArmed();
                }
            };
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

    /** Runs the sink on two interleaved series; with an injection, fails once after a checkpoint. */
    private void run(boolean keyed, FailOnceAfterCheckpoint.Injection injection) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(100);
        env.setParallelism(1);
        long records = 2L * (FRAMES + 2);
        DataStream<Long> sequence = injection == null
                ? env.fromSource(new NumberSequenceSource(0, records - 1), WatermarkStrategy.noWatermarks(), "seq")
                : env.fromSource(new DataGeneratorSource<>(i -> i, records, new HoldUntilArmed(injection.token()),
                        Types.LONG), WatermarkStrategy.noWatermarks(), "seq");
        DataStream<FrameResult> results = sequence.map(new ToResult());
        if (injection != null) {
            results = results.map(injection.<FrameResult>map(r -> r.kind == FrameResult.Kind.FRAME));
        }
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
        run(false, null);
        assertCommitted();
    }

    @Test
    @Timeout(180)
    void shouldWriteEveryFrameExactlyOnceAfterFailureAndReplay() throws Exception {
        try (FailOnceAfterCheckpoint.Injection injection = FailOnceAfterCheckpoint.create()) {
            run(true, injection);
            assertTrue(injection.restarted(), "the injected failure happened after a checkpoint and the job restarted: "
                    + injection);
        }
        assertCommitted();
    }
}
