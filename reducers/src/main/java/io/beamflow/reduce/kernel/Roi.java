package io.beamflow.reduce.kernel;

/**
 * A named region of interest: a rectangle, optionally restricted by a pixel mask of the whole image.
 *
 * @param name   name used in rules ({@code roi['name']})
 * @param x      first column
 * @param y      first row
 * @param width  columns
 * @param height rows
 * @param mask   optional whole-image mask (non-zero: pixel belongs to the ROI), or {@code null}
 */
public record Roi(String name, int x, int y, int width, int height, byte[] mask) {
    /**
     * @param name   name
     * @param x      first column
     * @param y      first row
     * @param width  columns
     * @param height rows
     * @return a rectangular ROI
     */
    public static Roi rectangle(String name, int x, int y, int width, int height) {
        return new Roi(name, x, y, width, height, null);
    }
}
