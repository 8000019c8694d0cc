package io.beamflow.reduce.kernel;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameFeatures;

/**
 * The per-frame kernel chain: decode pixels, apply corrections, compute statistics and ROI sums,
 * integrate azimuthally and find peaks. Decode, corrections, sum/max/mean, integration and the peak
 * finder's ring statistics run as one pass over the pixels; apart from the
 * returned features nothing is allocated per frame. Plain Java, one instance per
 * thread (it reuses work buffers).
 */
public final class FrameReducer {
    private final int width;
    private final int height;
    private final FrameStatistics statistics;
    private final AzimuthalIntegrator integrator;
    private final PeakFinder8 peakFinder;
    private final FusedPixelPass pixelPass;
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
    public FrameReducer(int width, int height, PixelCorrector corrector, FrameStatistics statistics,
            AzimuthalIntegrator integrator, PeakFinder8 peakFinder) {
        this.width = width;
        this.height = height;
        this.statistics = statistics;
        this.integrator = integrator;
        this.peakFinder = peakFinder;
        int n = Math.multiplyExact(width, height);
        if (corrector.pixels() != n) {
            throw new IllegalArgumentException("corrector is for " + corrector.pixels() + " pixels, image has " + n);
        }
        if (integrator != null && integrator.pixels() != n || peakFinder != null && peakFinder.pixels() != n) {
            throw new IllegalArgumentException("integrator or peak finder is for another image size than " + width
                    + "x" + height);
        }
        this.pixelPass = new FusedPixelPass(corrector, integrator, peakFinder);
        this.image = new float[n];
        this.mask = new byte[n];
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
    public AzimuthalIntegrator integrator() {
        return integrator;
    }

    /**
     * @param pixels       little-endian pixels
     * @param type         pixel type
     * @param invalidMask  pixels known to be invalid before corrections (e.g. missing modules), or {@code null}
     * @return the features of the frame
     * @throws IllegalArgumentException when {@code pixels} or {@code invalidMask} is shorter than the image
     */
    public FrameFeatures reduce(byte[] pixels, PixelType type, byte[] invalidMask) {
        pixelPass.run(pixels, type, invalidMask, image, mask);
        FrameFeatures f = new FrameFeatures();
        f.saturatedPixels = pixelPass.saturated();
        f.sum = pixelPass.sum();
        f.max = pixelPass.max();
        f.mean = pixelPass.mean();
        statistics.roiSums(image, mask, f.roiSums);
        if (integrator != null) {
            f.radialProfile = integrator.endPass();
        }
        if (peakFinder != null) {
            PeakFinder8.Peaks peaks = peakFinder.findAfterPass(image, mask);
            f.peakX = peaks.x();
            f.peakY = peaks.y();
            f.peakIntensity = peaks.intensity();
        }
        return f;
    }
}
