package io.beamflow.reduce.kernel;

/**
 * Applies the configured pixel corrections in place: saturation flag (on raw values), pedestal/dark
 * subtraction, division by per-pixel gain and by the flat field, and the static bad/hot pixel mask.
 * Each correction is optional ({@code null} array: off).
 */
public final class PixelCorrector {
    private final int pixels;
    private final float[] pedestal;
    private final float[] gain;
    private final float[] flatField;
    private final byte[] badPixelMask;
    private final double saturationThreshold;

    /**
     * @param pixels              pixels per image
     * @param pedestal            dark image subtracted from raw values, or {@code null}
     * @param gain                per-pixel gain the pedestal-subtracted value is divided by, or {@code null}
     * @param flatField           relative efficiency the value is divided by, or {@code null}
     * @param badPixelMask        non-zero for bad/hot pixels, or {@code null}
     * @param saturationThreshold raw value at or above which a pixel is saturated (and masked)
     */
    public PixelCorrector(int pixels, float[] pedestal, float[] gain, float[] flatField, byte[] badPixelMask,
            double saturationThreshold) {
        this.pixels = pixels;
        this.pedestal = check("pedestal", pedestal, pixels);
        this.gain = check("gain", gain, pixels);
        this.flatField = check("flat field", flatField, pixels);
        if (badPixelMask != null && badPixelMask.length != pixels) {
            throw new IllegalArgumentException("bad pixel mask has " + badPixelMask.length + " pixels, image has "
                    + pixels);
        }
        this.badPixelMask = badPixelMask;
        this.saturationThreshold = saturationThreshold;
    }

    private static float[] check(String what, float[] a, int pixels) {
        if (a != null && a.length != pixels) {
            throw new IllegalArgumentException(what + " has " + a.length + " pixels, image has " + pixels);
        }
        return a;
    }

    float[] pedestal() {
        return pedestal;
    }

    float[] gain() {
        return gain;
    }

    float[] flatField() {
        return flatField;
    }

    byte[] badPixelMask() {
        return badPixelMask;
    }

    double saturationThreshold() {
        return saturationThreshold;
    }

    int pixels() {
        return pixels;
    }

    /** @return whether any correction or mask is configured besides the saturation flag */
    public boolean correctsPixels() {
        return pedestal != null || gain != null || flatField != null;
    }

    /**
     * Corrects {@code image} in place and fills {@code mask} (non-zero: invalid pixel). Pixels already
     * masked on entry (e.g. missing modules) stay masked. Invalid pixels get the value 0.
     *
     * @param image raw values in, corrected values out
     * @param mask  in/out per-pixel mask
     * @return number of saturated pixels
     */
    public long apply(float[] image, byte[] mask) {
        long saturated = 0;
        float sat = (float) saturationThreshold;
        for (int i = 0; i < pixels; i++) {
            float v = image[i];
            if (v >= sat) {
                saturated++;
                mask[i] = 1;
            }
            if (badPixelMask != null && badPixelMask[i] != 0) {
                mask[i] = 1;
            }
            if (mask[i] != 0) {
                image[i] = 0f;
                continue;
            }
            if (pedestal != null) {
                v -= pedestal[i];
            }
            if (gain != null) {
                float g = gain[i];
                if (g == 0f) {
                    mask[i] = 1;
                    image[i] = 0f;
                    continue;
                }
                v /= g;
            }
            if (flatField != null) {
                float f = flatField[i];
                if (f == 0f) {
                    mask[i] = 1;
                    image[i] = 0f;
                    continue;
                }
                v /= f;
            }
            image[i] = v;
        }
        return saturated;
    }
}
