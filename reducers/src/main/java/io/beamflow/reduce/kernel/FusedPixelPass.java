package io.beamflow.reduce.kernel;

import io.beamflow.core.frame.PixelType;

/**
 * Decode, saturation flag, corrections, sum/max/valid count, and the first pass of integration and of the
 * peak finder's ring statistics, in one pass over the pixels: what {@link PixelDecoder#decode},
 * {@link PixelCorrector#apply}, {@link FrameStatistics#compute} (without ROIs), and the first loops of
 * {@link AzimuthalIntegrator#integrate} and {@link PeakFinder8#find} do in five, with the same results
 * (same order of additions).
 */
final class FusedPixelPass {
    private final PixelCorrector corrector;
    private final AzimuthalIntegrator integrator;
    private final PeakFinder8 peakFinder;
    private long saturated;
    private double sum;
    private float max;
    private long valid;

    /**
     * @param corrector  corrections
     * @param integrator integrator whose pass to make ({@link AzimuthalIntegrator#endPass} is the caller's), or {@code null}
     * @param peakFinder peak finder whose first pass to make (then {@link PeakFinder8#findAfterPass}), or {@code null}
     */
    FusedPixelPass(PixelCorrector corrector, AzimuthalIntegrator integrator, PeakFinder8 peakFinder) {
        this.corrector = corrector;
        this.integrator = integrator;
        this.peakFinder = peakFinder;
    }

    /**
     * @param pixels      little-endian pixels, at least as many as the corrector's
     * @param type        pixel type
     * @param invalidMask pixels invalid before corrections, or {@code null}
     * @param image       receives the corrected values (0 for invalid pixels)
     * @param mask        receives the mask (non-zero: invalid)
     */
    void run(byte[] pixels, PixelType type, byte[] invalidMask, float[] image, byte[] mask) {
        int n = corrector.pixels();
        long needed = (long) n * type.bytes();
        if (pixels.length < needed) {
            throw new IllegalArgumentException("frame of " + n + " " + type.wireName() + " pixels needs " + needed
                    + " bytes, got " + pixels.length);
        }
        if (invalidMask != null && invalidMask.length < n) {
            throw new IllegalArgumentException("invalid-pixel mask has " + invalidMask.length + " pixels, image has "
                    + n);
        }
        AzimuthalIntegrator ai = integrator;
        PeakFinder8 pf = peakFinder;
        if (ai != null) {
            ai.beginPass();
        }
        if (pf != null) {
            pf.beginPass();
        }
        if (type == PixelType.UINT16 && !corrector.correctsPixels()) {
            if (ai == null && pf == null) {
                runRawUint16StatisticsOnly(pixels, invalidMask, image, mask, n);
            } else {
                runRawUint16(pixels, invalidMask, image, mask, n);
            }
        } else {
            runGeneral(pixels, type, invalidMask, image, mask, n);
        }
        if (pf != null) {
            pf.endPass();
        }
    }

    /**
     * Uncorrected uint16 pixels (the common case): integer sum and max, exact, so the same as the double
     * sum of {@link FrameStatistics} (every partial sum of uint16 values below 2^53 is exact), without
     * waiting on a floating-point addition per pixel.
     */
    private void runRawUint16(byte[] pixels, byte[] invalidMask, float[] image, byte[] mask, int n) {
        byte[] bad = corrector.badPixelMask();
        float sat = (float) corrector.saturationThreshold();
        AzimuthalIntegrator ai = integrator;
        PeakFinder8 pf = peakFinder;
        long saturatedPixels = 0;
        long s = 0;
        int m = -1;
        long validPixels = 0;
        for (int i = 0; i < n; i++) {
            int raw = (pixels[2 * i] & 0xFF) | (pixels[2 * i + 1] & 0xFF) << 8;
            float v = raw;
            byte invalid = invalidMask == null ? 0 : invalidMask[i];
            if (v >= sat) {
                saturatedPixels++;
                invalid = 1;
            }
            if (bad != null && bad[i] != 0) {
                invalid = 1;
            }
            if (invalid != 0) {
                v = 0f;
            } else {
                s += raw;
                m = Math.max(m, raw);
                validPixels++;
                if (ai != null) {
                    ai.add(i, v);
                }
                if (pf != null) {
                    pf.add(i, v);
                }
            }
            image[i] = v;
            mask[i] = invalid;
        }
        saturated = saturatedPixels;
        sum = s;
        max = m;
        valid = validPixels;
    }

    /**
     * {@link #runRawUint16} without integration and peak finding: a loop of its own, so that the JIT's
     * branch profile of one configuration does not slow down the other.
     */
    private void runRawUint16StatisticsOnly(byte[] pixels, byte[] invalidMask, float[] image, byte[] mask, int n) {
        byte[] bad = corrector.badPixelMask();
        float sat = (float) corrector.saturationThreshold();
        long saturatedPixels = 0;
        long s = 0;
        int m = -1;
        long validPixels = 0;
        for (int i = 0; i < n; i++) {
            int raw = (pixels[2 * i] & 0xFF) | (pixels[2 * i + 1] & 0xFF) << 8;
            float v = raw;
            byte invalid = invalidMask == null ? 0 : invalidMask[i];
            if (v >= sat) {
                saturatedPixels++;
                invalid = 1;
            }
            if (bad != null && bad[i] != 0) {
                invalid = 1;
            }
            if (invalid != 0) {
                v = 0f;
            } else {
                s += raw;
                m = Math.max(m, raw);
                validPixels++;
            }
            image[i] = v;
            mask[i] = invalid;
        }
        saturated = saturatedPixels;
        sum = s;
        max = m;
        valid = validPixels;
    }

    private void runGeneral(byte[] pixels, PixelType type, byte[] invalidMask, float[] image, byte[] mask, int n) {
        boolean uint16 = type == PixelType.UINT16;
        if (!uint16) {
            PixelDecoder.decode(pixels, type, image, n);
        }
        float[] pedestal = corrector.pedestal();
        float[] gain = corrector.gain();
        float[] flat = corrector.flatField();
        byte[] bad = corrector.badPixelMask();
        float sat = (float) corrector.saturationThreshold();
        long saturatedPixels = 0;
        double s = 0;
        float m = Float.NEGATIVE_INFINITY;
        long validPixels = 0;
        AzimuthalIntegrator ai = integrator;
        PeakFinder8 pf = peakFinder;
        for (int i = 0; i < n; i++) {
            float v = uint16 ? (pixels[2 * i] & 0xFF) | (pixels[2 * i + 1] & 0xFF) << 8 : image[i];
            byte invalid = invalidMask == null ? 0 : invalidMask[i];
            if (v >= sat) {
                saturatedPixels++;
                invalid = 1;
            }
            if (bad != null && bad[i] != 0) {
                invalid = 1;
            }
            if (invalid == 0) {
                if (pedestal != null) {
                    v -= pedestal[i];
                }
                if (gain != null) {
                    float g = gain[i];
                    if (g == 0f) {
                        invalid = 1;
                    }
                    v /= g;
                }
                if (flat != null && invalid == 0) {
                    float f = flat[i];
                    if (f == 0f) {
                        invalid = 1;
                    }
                    v /= f;
                }
            }
            if (invalid != 0) {
                v = 0f;
            } else {
                s += v;
                if (v > m) {
                    m = v;
                }
                validPixels++;
                if (ai != null) {
                    ai.add(i, v);
                }
                if (pf != null) {
                    pf.add(i, v);
                }
            }
            image[i] = v;
            mask[i] = invalid;
        }
        saturated = saturatedPixels;
        sum = s;
        max = m;
        valid = validPixels;
    }

    /** @return saturated pixels of the last frame */
    long saturated() {
        return saturated;
    }

    /** @return sum of the valid pixels of the last frame */
    double sum() {
        return sum;
    }

    /** @return largest valid pixel of the last frame, 0 when none is valid */
    double max() {
        return valid == 0 ? 0 : max;
    }

    /** @return mean of the valid pixels of the last frame, 0 when none is valid */
    double mean() {
        return valid == 0 ? 0 : sum / valid;
    }
}
