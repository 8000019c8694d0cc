package io.beamflow.reduce.kernel;

import io.beamflow.core.frame.PixelType;

/**
 * Decode, saturation flag, corrections and sum/max/valid count of a frame in one pass over the pixels:
 * what {@link PixelDecoder#decode}, {@link PixelCorrector#apply} and {@link FrameStatistics#compute} (without
 * ROIs) do in three, with the same results (same order of additions).
 */
final class FusedPixelPass {
    private final PixelCorrector corrector;
    private long saturated;
    private double sum;
    private float max;
    private long valid;

    FusedPixelPass(PixelCorrector corrector) {
        this.corrector = corrector;
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
