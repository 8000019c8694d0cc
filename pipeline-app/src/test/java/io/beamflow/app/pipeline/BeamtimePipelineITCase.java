package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.sink.hdf5.SeriesSummary;
import io.beamflow.testing.SharedMiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production job with a beamtime store ({@link PipelineRunner#buildJob}): the series that started during the
 * beamtime lands in its ASAP3 {@code raw/} with the beamtime's group and nothing for others; the series whose
 * SERIES_START arrived (ingest receive time) before the beamtime is refused and leaves no file anywhere.
 */
class BeamtimePipelineITCase {
    private static final int W = 32;
    private static final int H = 24;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path work;

    @Test
    @Timeout(180)
    void shouldWriteASeriesIntoItsBeamtimeAndRefuseOneWithout() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String group = Files.getAttribute(work, "posix:group").toString(); // one this process may give files to
        String me = System.getProperty("user.name");
        BeamtimeStore store = new BeamtimeStore(work.resolve("beamtimes.jsonl"));
        assertEquals(List.of(), store.open(new Beamtime("11012345", "p11", "PETRA III", "I-1", me, List.of(me), group,
                now.minus(1, ChronoUnit.HOURS).toString(), now.plus(1, ChronoUnit.HOURS).toString(), false, "", "")));

        Path journalRoot = work.resolve("journal");
        long before = now.minus(2, ChronoUnit.HOURS).getEpochSecond() * 1_000_000_000L;
        long during = now.getEpochSecond() * 1_000_000_000L;
        try (SeriesJournal journal = new SeriesJournal(journalRoot.resolve("det"), W, H)) {
            journal.series("early", 6, before);
            journal.series("scan1", 6, during);
        }
        BeamflowConfig config = new BeamflowConfig();
        config.ingest.journalDirectory = journalRoot.toString();
        config.reduction.stopAfterSeriesEnd = 2;
        config.reduction.expectedStreams = 1;
        config.reduction.streamDiscoveryIntervalMs = 100;
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        config.sink.outputRoot = work.resolve("gpfs").toString();
        config.sink.beamtimeStore = store.path().toString();
        config.sink.beamline = "p11";
        config.sink.framesPerFile = 4;
        config.control.liveViewEndpoint = "";

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        PipelineRunner.buildJob(env, config);
        env.execute("beamtimes");

        Path bt = work.resolve("gpfs").resolve(Integer.toString(now.atZone(ZoneOffset.UTC).getYear()))
                .resolve("data/11012345");
        Path master = bt.resolve("raw/scan1/scan1_master.h5");
        SeriesSummary s = SeriesSummary.read(master);
        assertEquals("ok", s.status(), s.format());
        assertEquals(6, s.framesStored(), s.format());
        assertTrue(Files.exists(bt.resolve("beamtime-metadata-11012345.json")));
        try (Stream<Path> all = Files.walk(bt)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                assertEquals(group, Files.getAttribute(p, "posix:group").toString(), p.toString());
                assertEquals(0, (int) Files.getAttribute(p, "unix:mode") & 07, "nothing for others: " + p);
            }
        }
        try (Stream<Path> all = Files.walk(work.resolve("gpfs"))) {
            assertFalse(all.anyMatch(p -> p.getFileName().toString().contains("early")),
                    "the series that started before the beamtime is refused, nowhere on disk");
        }
    }
}
