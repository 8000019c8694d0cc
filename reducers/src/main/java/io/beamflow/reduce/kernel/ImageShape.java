package io.beamflow.reduce.kernel;

/** Checks an image shape a sender declared before anything is allocated for it. */
public final class ImageShape {
    private ImageShape() {
    }

    /**
     * @param width     declared width
     * @param height    declared height
     * @param maxPixels largest accepted image, in pixels
     * @return the pixel count
     * @throws IllegalArgumentException when a side is not positive or the image exceeds {@code maxPixels}
     */
    public static int pixels(int width, int height, long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image shape " + width + "x" + height + " is not positive");
        }
        long pixels = (long) width * height; // two ints: cannot overflow a long
        if (pixels > Math.min(maxPixels, Integer.MAX_VALUE - 8)) {
            throw new IllegalArgumentException("image shape " + width + "x" + height + " (" + pixels
                    + " pixels) exceeds the largest accepted image of " + maxPixels + " pixels");
        }
        return (int) pixels;
    }
}
