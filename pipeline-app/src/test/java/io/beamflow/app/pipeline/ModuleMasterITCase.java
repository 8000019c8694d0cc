package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.SharedMiniCluster;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production job ({@link PipelineRunner#buildJob}) on a two-module detector (one journal stream per module,
 * {@code reduction.assembly} with the module size) writes a master with one NXdetector_module per module and the
 * 4-pixel gap between them flagged in the pixel mask, read with h5py.
 */
class ModuleMasterITCase {
    private static final int W = 32;
    private static final int H = 24;
    private static final int GAP = 4;
    private static final int FRAMES = 5;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path work;

    @Test
    @Timeout(180)
    void shouldWriteOneModuleGroupPerModuleAndFlagTheGapFromTheAssemblyConfiguration() throws Exception {
        Path journalRoot = work.resolve("journal");
        long now = System.currentTimeMillis() * 1_000_000L;
        String meta = "{\"width\":" + (2 * W + GAP) + ",\"height\":" + H + "}";
        try (SeriesJournal m0 = new SeriesJournal(journalRoot.resolve("module-0"), W, H);
                SeriesJournal m1 = new SeriesJournal(journalRoot.resolve("module-1"), W, H)) {
            m0.start("two", meta, now);
            m1.start("two", meta, now);
            for (int f = 0; f < FRAMES; f++) {
                m0.part("two", f, 0, 2, now);
                m1.part("two", f, 1, 2, now);
            }
            m0.end("two", FRAMES, now);
            m1.end("two", FRAMES, now);
        }
        BeamflowConfig config = new BeamflowConfig();
        config.ingest.journalDirectory = journalRoot.toString();
        config.reduction.stopAfterSeriesEnd = 1;
        config.reduction.expectedStreams = 2;
        config.reduction.streamDiscoveryIntervalMs = 100;
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        ReductionConfig.AssemblyConfig a = config.reduction.assembly;
        a.width = 2 * W + GAP;
        a.height = H;
        a.moduleWidth = W;
        a.moduleHeight = H;
        ReductionConfig.ModulePlacement right = new ReductionConfig.ModulePlacement();
        right.x = W + GAP;
        a.modules = List.of(new ReductionConfig.ModulePlacement(), right);
        config.sink.outputRoot = work.resolve("raw").toString();
        config.sink.beamtime = "bt";
        config.control.liveViewEndpoint = "";

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(200);
        PipelineRunner.buildJob(env, config);
        env.execute("modules");

        String out = DebianPython.run(String.join("\n",
                "import sys, h5py, numpy as np",
                "f = h5py.File(sys.argv[1], 'r')",
                "det = f['/entry/instrument/detector']",
                "mods = sorted(k for k in det if isinstance(det[k], h5py.Group)"
                        + " and det[k].attrs.get('NX_class', b'') in (b'NXdetector_module', 'NXdetector_module'))",
                "for k in mods: print(k, list(det[k]['data_origin'][()]), list(det[k]['data_size'][()]),"
                        + " det[k]['fast_pixel_direction'].attrs['depends_on'].decode())",
                "m = det['pixel_mask'][()]",
                "print('mask', m.shape, int(np.count_nonzero(m)), int(np.count_nonzero(m[:, " + W + ":" + (W + GAP)
                        + "] == 1)))",
                "print('frames', f['/entry/data/data'].shape[0])"), 120,
                work.resolve("raw/bt/two/two_master.h5").toString()).orThrow();
        String d = "/entry/instrument/detector/";
        assertEquals(String.join("\n",
                "module_00 [0, 0] [" + H + ", " + W + "] " + d + "module_00/module_offset",
                "module_01 [0, " + (W + GAP) + "] [" + H + ", " + W + "] " + d + "module_01/module_offset",
                "mask (" + H + ", " + (2 * W + GAP) + ") " + GAP * H + " " + GAP * H,
                "frames " + FRAMES), out.strip());
    }
}
