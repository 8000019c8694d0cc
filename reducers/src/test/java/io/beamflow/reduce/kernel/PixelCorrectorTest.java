package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameFeatures;
import io.beamflow.testing.DebianPython;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrections with calibration constants written by h5py and read back with jhdf. */
class PixelCorrectorTest {
    static final int W = 8;
    static final int H = 4;

    /** Writes pedestal=10+x, gain=2 (float64), flat=0.5 on row 0 else 1, mask: pixel (3,2) bad. */
    static final String WRITE_CALIBRATION = String.join("\n",
            "import sys, numpy as np, h5py",
            "w, h, offset = 8, 4, float(sys.argv[2])",
            "with h5py.File(sys.argv[1], 'w') as f:",
            "    f['pedestal'] = (np.tile(np.arange(w, dtype=np.float32), (h, 1)) + offset).astype(np.float32)",
            "    f['gain'] = np.full((h, w), 2.0, dtype=np.float64)",
            "    flat = np.ones((h, w), dtype=np.float32); flat[0, :] = 0.5",
            "    f.create_dataset('calib/flat', data=flat)",
            "    m = np.zeros((h, w), dtype=np.uint8); m[2, 3] = 1",
            "    f['mask'] = m",
            "");

    @TempDir
    Path dir;

    private ReductionConfig config(Path file) {
        ReductionConfig c = new ReductionConfig();
        c.corrections.pedestalFile = file.toString();
        c.corrections.gainFile = file.toString();
        c.corrections.flatFieldFile = file.toString();
        c.corrections.flatFieldDataset = "/calib/flat";
        c.corrections.maskFile = file.toString();
        c.corrections.saturationThreshold = 60000;
        ReductionConfig.RoiConfig roi = new ReductionConfig.RoiConfig();
        roi.name = "row1";
        roi.y = 1;
        roi.width = W;
        roi.height = 1;
        c.rois.add(roi);
        return c;
    }

    private static byte[] raw(int value, int saturatedIndex) {
        byte[] b = new byte[W * H * 2];
        for (int i = 0; i < W * H; i++) {
            int v = i == saturatedIndex ? 65535 : value;
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >>> 8);
        }
        return b;
    }

    @Test
    void shouldSubtractPedestalDivideGainAndFlatMaskBadAndSaturatedPixels() {
        Path file = dir.resolve("calib.h5");
        DebianPython.run(WRITE_CALIBRATION, 60, file.toString(), "10").orThrow();
        FrameReducer reducer = FrameReducerFactory.create(config(file), W, H, PixelType.UINT16);
        int saturatedIndex = 3 * W + 7;
        FrameFeatures f = reducer.reduce(raw(100, saturatedIndex), PixelType.UINT16, null);
        double expected = 0;
        double max = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                if ((x == 3 && y == 2) || y * W + x == saturatedIndex) {
                    continue;
                }
                double v = (100 - (10 + x)) / 2.0 / (y == 0 ? 0.5 : 1.0);
                expected += v;
                max = Math.max(max, v);
            }
        }
        assertEquals(1, f.saturatedPixels);
        assertEquals(expected, f.sum, 1e-3);
        assertEquals(max, f.max, 1e-4);
        assertEquals(expected / (W * H - 2), f.mean, 1e-6);
        double row1 = 0;
        for (int x = 0; x < W; x++) {
            row1 += (100 - (10 + x)) / 2.0;
        }
        assertEquals(row1, f.roiSums.get("row1"), 1e-3);
    }

    @Test
    void shouldReadNewCalibrationWhenTheReducerIsRebuiltForANewSeries() {
        Path file = dir.resolve("calib.h5");
        DebianPython.run(WRITE_CALIBRATION, 60, file.toString(), "10").orThrow();
        double before = FrameReducerFactory.create(config(file), W, H, PixelType.UINT16)
                .reduce(raw(100, -1), PixelType.UINT16, null).sum;
        DebianPython.run(WRITE_CALIBRATION, 60, file.toString(), "20").orThrow();
        double after = FrameReducerFactory.create(config(file), W, H, PixelType.UINT16)
                .reduce(raw(100, -1), PixelType.UINT16, null).sum;
        // 30 valid pixels (one masked), pedestal 10 higher, gain 2; row 0 flat 0.5 doubles its share.
        assertEquals(before - after, 10.0 / 2 * (3 * W - 1) + 10.0 / 2 / 0.5 * W, 1e-3);
    }

    @Test
    void shouldNameFileAndDatasetWhenCalibrationDoesNotFit() {
        Path file = dir.resolve("calib.h5");
        DebianPython.run(WRITE_CALIBRATION, 60, file.toString(), "10").orThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameReducerFactory.create(config(file), 16, 16, PixelType.UINT16));
        assertTrue(e.getMessage().contains("calib.h5:/pedestal"), e.getMessage());
        ReductionConfig c = config(file);
        c.corrections.gainDataset = "/nope";
        e = assertThrows(IllegalArgumentException.class, () -> FrameReducerFactory.create(c, W, H, PixelType.UINT16));
        assertTrue(e.getMessage().contains("/nope"), e.getMessage());
    }
}
