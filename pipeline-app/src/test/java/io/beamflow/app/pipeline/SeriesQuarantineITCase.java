package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.sink.hdf5.SeriesSummary;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.SharedMiniCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A series that the reduction cannot handle does not stop the production job ({@link PipelineRunner#buildJob}):
 * a SERIES_START declaring 46341x46341 pixels (more than an int counts) is quarantined, its frames are counted
 * as rejected and its master says why, and the next series is written whole. The job runs without restarts, so
 * any failure fails the test.
 */
class SeriesQuarantineITCase {
    private static final int W = 64;
    private static final int H = 48;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path work;

    @Test
    @Timeout(180)
    void shouldQuarantineASeriesWithAnOverflowingShapeAndWriteTheNextSeries() throws Exception {
        Path journalRoot = work.resolve("journal");
        try (SeriesJournal journal = new SeriesJournal(journalRoot.resolve("det"), W, H)) {
            long now = System.currentTimeMillis() * 1_000_000L;
            journal.start("huge", "{\"width\":46341,\"height\":46341}", now);
            for (int f = 0; f < 4; f++) {
                journal.frame("huge", f, now);
            }
            journal.end("huge", 4, now);
            journal.series("good", 6, now);
        }
        BeamflowConfig config = new BeamflowConfig();
        config.ingest.journalDirectory = journalRoot.toString();
        config.reduction.stopAfterSeriesEnd = 2;
        config.reduction.expectedStreams = 1;
        config.reduction.streamDiscoveryIntervalMs = 100;
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        // the integrator is built at SERIES_START from the declared shape
        config.reduction.integration.poniFile = Files.writeString(work.resolve("det.poni"), String.join("\n",
                "poni_version: 2", "Detector_config: {\"pixel1\": 7.5e-05, \"pixel2\": 7.5e-05}", "Distance: 0.1",
                "Poni1: 0.0018", "Poni2: 0.0024", "Rot1: 0", "Rot2: 0", "Rot3: 0", "Wavelength: 1e-10", "")).toString();
        config.reduction.integration.bins = 20;
        config.sink.outputRoot = work.resolve("raw").toString();
        config.sink.beamtime = "bt";
        config.sink.framesPerFile = 4;
        config.control.liveViewEndpoint = "";

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2); // frame-parallel: the subtask that did not see the SERIES_START reduces its frames
        env.enableCheckpointing(200);
        PipelineRunner.buildJob(env, config);
        env.execute("quarantine");

        SeriesSummary huge = SeriesSummary.read(work.resolve("raw/bt/huge/huge_master.h5"));
        assertEquals("failed", huge.status(), huge.format());
        assertTrue(huge.failureReason().contains("46341x46341")
                && huge.failureReason().contains("exceeds the largest accepted image"), huge.format());
        assertEquals(4, huge.framesReceived(), "every frame accounted for: " + huge.format());
        assertEquals(4, huge.framesRejected(), huge.format());
        assertEquals(4, huge.framesQuarantined(), huge.format());
        assertEquals(0, huge.framesStored(), huge.format());

        Path good = work.resolve("raw/bt/good/good_master.h5");
        SeriesSummary s = SeriesSummary.read(good);
        assertEquals("ok", s.status(), s.format());
        assertEquals(6, s.framesStored(), s.format());
        // the reference library, through the NXdata signal, and the status attribute as users read it
        String out = DebianPython.run(String.join("\n",
                "import sys, h5py",
                "f = h5py.File(sys.argv[1], 'r')",
                "d = f['/entry/data'][f['/entry/data'].attrs['signal']]",
                "s = f['/entry/reduction'].attrs['status']",
                "print(d.shape[0], s.decode() if isinstance(s, bytes) else s)"), 120, good.toString()).orThrow();
        assertEquals("6 ok", out.strip(), "every stored frame through /entry/data/data (virtual, over the data files)");
    }
}
