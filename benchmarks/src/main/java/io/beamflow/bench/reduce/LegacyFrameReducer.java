package io.beamflow.bench.reduce;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameFeatures;
import java.util.Arrays;

/** FrameReducer as of main before the kernels work, copied verbatim (on the Legacy kernels) as the benchmark baseline.
 *
 * <p>Original documentation:
 * The per-frame kernel chain: decode pixels, apply corrections, compute statistics and ROI sums,
 * integrate azimuthally and find peaks. Plain Java, one instance per thread (it reuses work buffers).
 */
final class LegacyFrameReducer {
    private final int width;
    private final int height;
    private final LegacyPixelCorrector corrector;
    private final LegacyFrameStatistics statistics;
    private final LegacyAzimuthalIntegrator integrator;
    private final LegacyPeakFinder8 peakFinder;
    private final float[] image;
    private final byte[] mask;

    /**
     * @param width      image width
     * @param height     image height
     * @param corrector  corrections (always present: it also flags saturation)
     * @param statistics statistics and ROIs
     * @param integrator azimuthal integrator, or {@code null}
     * @param peakFinder peak finder, or {@code null}
     */
    LegacyFrameReducer(int width, int height, LegacyPixelCorrector corrector, LegacyFrameStatistics statistics,
            LegacyAzimuthalIntegrator integrator, LegacyPeakFinder8 peakFinder) {
        this.width = width;
        this.height = height;
        this.corrector = corrector;
        this.statistics = statistics;
        this.integrator = integrator;
        this.peakFinder = peakFinder;
        this.image = new float[width * height];
        this.mask = new byte[width * height];
    }

    /** @return image width this reducer was built for */
    public int width() {
        return width;
    }

    /** @return image height this reducer was built for */
    public int height() {
        return height;
    }

    /** @return the integrator (its radial axis and unit), or {@code null} when integration is off */
    public LegacyAzimuthalIntegrator integrator() {
        return integrator;
    }

    /**
     * @param pixels       little-endian pixels
     * @param type         pixel type
     * @param invalidMask  pixels known to be invalid before corrections (e.g. missing modules), or {@code null}
     * @return the features of the frame
     */
    public FrameFeatures reduce(byte[] pixels, PixelType type, byte[] invalidMask) {
        LegacyPixelDecoder.decode(pixels, type, image);
        if (invalidMask != null) {
            System.arraycopy(invalidMask, 0, mask, 0, mask.length);
        } else {
            Arrays.fill(mask, (byte) 0);
        }
        FrameFeatures f = new FrameFeatures();
        f.saturatedPixels = corrector.apply(image, mask);
        LegacyFrameStatistics.Result s = statistics.compute(image, mask, f.roiSums);
        f.sum = s.sum;
        f.max = s.max;
        f.mean = s.mean;
        if (integrator != null) {
            f.radialProfile = integrator.integrate(image, mask);
        }
        if (peakFinder != null) {
            LegacyPeakFinder8.Peaks peaks = peakFinder.find(image, mask);
            f.peakX = peaks.x();
            f.peakY = peaks.y();
            f.peakIntensity = peaks.intensity();
        }
        return f;
    }
}
