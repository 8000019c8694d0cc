package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameFeatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused pixel pass of {@link FrameReducer} gives what decode, corrections, statistics, integration and
 * peak finding give one after the other.
 */
class FrameReducerTest {
    static final int W = 64;
    static final int H = 48;
    static final int N = W * H;
    static final List<Roi> ROIS = List.of(Roi.rectangle("a", 3, 4, 10, 7), Roi.rectangle("edge", 60, 40, 10, 10));

    static PixelCorrector corrector(boolean corrections) {
        Random random = new Random(1);
        float[] pedestal = new float[N];
        float[] gain = new float[N];
        float[] flat = new float[N];
        byte[] bad = new byte[N];
        for (int i = 0; i < N; i++) {
            pedestal[i] = random.nextFloat() * 3;
            gain[i] = i % 101 == 0 ? 0f : 0.8f + random.nextFloat() * 0.4f;
            flat[i] = i % 103 == 0 ? 0f : 0.9f + random.nextFloat() * 0.2f;
            bad[i] = (byte) (i % 97 == 0 ? 1 : 0);
        }
        return corrections ? new PixelCorrector(N, pedestal, gain, flat, bad, 60000)
                : new PixelCorrector(N, null, null, null, bad, 65535);
    }

    static byte[] pixels(PixelType type, long seed) {
        Random random = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate(N * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < N; i++) {
            int x = i % W;
            int y = i / W;
            boolean spot = x % 16 >= 5 && x % 16 <= 6 && y % 12 >= 4 && y % 12 <= 5;
            int v = i % 89 == 0 ? 65535 : spot ? 150 + random.nextInt(50) : random.nextInt(i % 13 == 0 ? 60 : 20);
            switch (type) {
                case UINT16 -> b.putShort((short) v);
                case UINT8 -> b.put((byte) v);
                case FLOAT32 -> b.putFloat(v + 0.25f);
                default -> b.putInt(v);
            }
        }
        return b.array();
    }

    static byte[] invalidMask() {
        byte[] m = new byte[N];
        for (int i = 5 * W; i < 7 * W; i++) {
            m[i] = 2;
        }
        return m;
    }

    @TempDir
    static Path dir;

    static AzimuthalIntegrator integrator() {
        try {
            Path poni = dir.resolve("test.poni");
            Files.writeString(poni, "poni_version: 2\nDetector: Detector\nDetector_config: {\"pixel1\": 7.5e-05, "
                    + "\"pixel2\": 7.5e-05, \"max_shape\": [48, 64]}\nDistance: 0.01\nPoni1: 0.0018\nPoni2: 0.0024\n"
                    + "Rot1: 0.01\nRot2: 0.0\nRot3: 0.0\nWavelength: 1.0e-10\n");
            return new AzimuthalIntegrator(PoniGeometry.read(poni), W, H, 20, RadialUnit.Q_NM, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PeakFinder8 peakFinder() {
        return new PeakFinder8(W, H, 32.5, 23.5, 2.0, 3.0, 20.0, 1, 50, 3);
    }

    static void assertSameAsSeparateKernels(PixelType type, boolean corrections, byte[] invalidMask) {
        PixelCorrector corrector = corrector(corrections);
        FrameStatistics statistics = new FrameStatistics(W, H, ROIS);
        FrameReducer reducer = new FrameReducer(W, H, corrector, statistics, integrator(), peakFinder());
        AzimuthalIntegrator integrator = integrator();
        PeakFinder8 peakFinder = peakFinder();
        for (long seed = 0; seed < 3; seed++) {
            byte[] raw = pixels(type, seed);
            float[] image = new float[N];
            byte[] mask = invalidMask == null ? new byte[N] : invalidMask.clone();
            PixelDecoder.decode(raw, type, image);
            long saturated = corrector.apply(image, mask);
            Map<String, Double> rois = new LinkedHashMap<>();
            FrameStatistics.Result expected = statistics.compute(image, mask, rois);

            FrameFeatures f = reducer.reduce(raw, type, invalidMask);
            String what = type + (corrections ? " with corrections" : "") + (invalidMask != null ? ", masked" : "");
            assertEquals(saturated, f.saturatedPixels, "saturated, " + what);
            assertEquals(expected.sum, f.sum, "sum, " + what);
            assertEquals(expected.max, f.max, "max, " + what);
            assertEquals(expected.mean, f.mean, "mean, " + what);
            assertEquals(rois, f.roiSums, "ROI sums, " + what);
            assertArrayEquals(integrator.integrate(image, mask), f.radialProfile, "profile, " + what);
            PeakFinder8.Peaks peaks = peakFinder.find(image, mask);
            assertTrue(peaks.count() > 0, "peaks, " + what);
            assertArrayEquals(peaks.x(), f.peakX, "peak x, " + what);
            assertArrayEquals(peaks.y(), f.peakY, "peak y, " + what);
            assertArrayEquals(peaks.intensity(), f.peakIntensity, "peak intensities, " + what);
        }
    }

    @Test
    void shouldGiveTheSameStatisticsAsDecodeCorrectAndComputeOneAfterTheOther() {
        for (PixelType type : PixelType.values()) {
            assertSameAsSeparateKernels(type, false, null);
            assertSameAsSeparateKernels(type, true, null);
            assertSameAsSeparateKernels(type, true, invalidMask());
        }
    }

    @Test
    void shouldRefuseAFrameShorterThanTheImage() {
        FrameReducer reducer = new FrameReducer(W, H, corrector(false), new FrameStatistics(W, H, ROIS), null, null);
        assertThrows(IllegalArgumentException.class, () -> reducer.reduce(new byte[N], PixelType.UINT16, null));
    }

    @Test
    void shouldGiveZeroStatisticsWhenEveryPixelIsInvalid() {
        FrameReducer reducer = new FrameReducer(W, H, corrector(false), new FrameStatistics(W, H, ROIS), null, null);
        byte[] all = new byte[N];
        java.util.Arrays.fill(all, (byte) 1);
        FrameFeatures f = reducer.reduce(pixels(PixelType.UINT16, 1), PixelType.UINT16, all);
        assertEquals(0, f.sum);
        assertEquals(0, f.max);
        assertEquals(0, f.mean);
        assertArrayEquals(new float[0], f.peakX);
    }
}
