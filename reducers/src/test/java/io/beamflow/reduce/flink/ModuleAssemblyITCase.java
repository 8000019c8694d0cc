package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.result.FrameResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.beamflow.testing.SharedMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two-module detector, one journal stream per module, a missing module part and a module timeout. */
@SuppressWarnings("try")
class ModuleAssemblyITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    static final int W = 64;
    static final int H = 48;
    static final int GAP = 4;
    static final int FRAMES = 20;
    static final int MISSING_FRAME = 7;

    @TempDir
    Path dir;

    static short[] module(int frame, int module) {
        SplittableRandom rnd = new SplittableRandom(frame * 31L + module);
        short[] px = new short[W * H];
        for (int i = 0; i < px.length; i++) {
            px[i] = (short) rnd.nextInt(1000);
        }
        return px;
    }

    static byte[] bytes(short[] px) {
        byte[] b = new byte[px.length * 2];
        for (int i = 0; i < px.length; i++) {
            b[2 * i] = (byte) px[i];
            b[2 * i + 1] = (byte) (px[i] >>> 8);
        }
        return b;
    }

    static int pixel(byte[] assembled, int x, int y, int width) {
        int i = (y * width + x) * 2;
        return (assembled[i] & 0xFF) | (assembled[i + 1] & 0xFF) << 8;
    }

    @Test
    @Timeout(180)
    void shouldAssembleModulesAndEmitIncompleteFrameAfterModuleTimeout() throws Exception {
        Path journals = dir.resolve("journal");
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 2);
        ReductionConfig.AssemblyConfig a = config.reduction.assembly;
        a.width = 2 * W + GAP;
        a.height = H;
        a.moduleTimeoutMs = 500;
        ReductionConfig.ModulePlacement m0 = new ReductionConfig.ModulePlacement();
        ReductionConfig.ModulePlacement m1 = new ReductionConfig.ModulePlacement();
        m1.x = W + GAP;
        m1.rotationDeg = 180;
        a.modules = List.of(m0, m1);

        List<FrameResult> results = new ArrayList<>();
        try (JournalFixture s0 = new JournalFixture(journals, "module-0");
                JournalFixture s1 = new JournalFixture(journals, "module-1")) {
            s0.seriesStart("asm", "{}");
            s1.seriesStart("asm", "{}");
            for (int f = 0; f < FRAMES; f++) {
                s0.frame("asm", f, 0, 2, W, H, bytes(module(f, 0)));
                if (f != MISSING_FRAME && f % 2 == 0) {
                    s1.frame("asm", f, 1, 2, W, H, bytes(module(f, 1)));
                } else if (f != MISSING_FRAME) {
                    // received bitshuffle+LZ4: decompressed at assembly, which changes the layout, so the
                    // assembled frame travels as pixels for the sink to encode (no pass-through)
                    s1.compressedFrame("asm", f, 1, 2, W, H, bytes(module(f, 1)));
                }
            }
            s0.seriesEnd("asm", FRAMES);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(300);
            try (CloseableIterator<FrameResult> it = ReductionJob.build(env, config).executeAndCollect("assembly")) {
                // Module 1's stream has not ended: the incomplete frame can only come from the module timeout.
                boolean seenIncomplete = false;
                while (!seenIncomplete) {
                    FrameResult r = it.next();
                    results.add(r);
                    seenIncomplete = r.kind == FrameResult.Kind.FRAME && r.frameNumber == MISSING_FRAME;
                }
                assertFalse(results.stream().anyMatch(r -> r.kind == FrameResult.Kind.SERIES_END),
                        "series not ended yet");
                s1.seriesEnd("asm", FRAMES);
                it.forEachRemaining(results::add);
            }
        }
        assertEquals(FrameResult.Kind.SERIES_START, results.get(0).kind);
        assertEquals(FrameResult.Kind.SERIES_END, results.get(results.size() - 1).kind);
        assertEquals(FRAMES, results.get(results.size() - 1).frameNumber);
        List<FrameResult> frames = results.stream().filter(r -> r.kind == FrameResult.Kind.FRAME).toList();
        assertEquals(FRAMES, frames.size());
        assertEquals(FRAMES, frames.stream().mapToLong(r -> r.frameNumber).distinct().count());
        for (FrameResult r : frames) {
            int f = (int) r.frameNumber;
            assertEquals(2 * W + GAP, r.width);
            assertEquals(null, r.chunk, "an assembled frame is encoded by the sink, not passed through");
            short[] p0 = module(f, 0);
            short[] p1 = module(f, 1);
            double expectedSum = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int v0 = p0[y * W + x] & 0xFFFF;
                    expectedSum += v0;
                    assertEquals(v0, pixel(r.pixels, x, y, r.width));
                    if (f != MISSING_FRAME) {
                        int v1 = p1[y * W + x] & 0xFFFF;
                        expectedSum += v1;
                        assertEquals(v1, pixel(r.pixels, W + GAP + W - 1 - x, H - 1 - y, r.width), "rotated module 1");
                    }
                }
            }
            assertEquals(f == MISSING_FRAME, r.incomplete, "frame " + f);
            assertEquals(expectedSum, r.features.sum, 1e-6, "sum over valid pixels of frame " + f);
            assertTrue(r.features.mean > 0);
        }
    }
}
