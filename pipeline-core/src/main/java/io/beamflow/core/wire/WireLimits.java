package io.beamflow.core.wire;

/**
 * Size limits applied to incoming messages before anything is allocated from a size the sender
 * declared.
 *
 * @param maxHeaderBytes largest accepted header (or JSON) part
 * @param maxFrameBytes  largest accepted payload part
 */
public record WireLimits(int maxHeaderBytes, long maxFrameBytes) {

    /** Defaults: 64 KiB headers, 64 MiB frames (a 4M-pixel uint32 frame is 16 MiB). */
    public static final WireLimits DEFAULT = new WireLimits(64 * 1024, 64L * 1024 * 1024);

    /** Checks that both limits are positive and the header can hold the fixed native header. */
    public WireLimits {
        if (maxHeaderBytes < NativeHeaderFlyweight.FIXED_LENGTH) {
            throw new IllegalArgumentException("maxHeaderBytes must be >= " + NativeHeaderFlyweight.FIXED_LENGTH);
        }
        if (maxFrameBytes <= 0 || maxFrameBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxFrameBytes out of range: " + maxFrameBytes);
        }
    }

    /**
     * The size of a frame from sender-given dimensions, computed without overflow.
     *
     * @param width         pixels per row
     * @param height        rows
     * @param bytesPerPixel bytes per pixel
     * @return {@code width * height * bytesPerPixel}, or -1 when a factor is not positive or the product
     *         exceeds {@link #maxFrameBytes} (however large the factors)
     */
    public long frameBytes(long width, long height, int bytesPerPixel) {
        if (width <= 0 || height <= 0 || bytesPerPixel <= 0) {
            return -1;
        }
        if (width > maxFrameBytes / height) {
            return -1;
        }
        long pixels = width * height;
        if (pixels > maxFrameBytes / bytesPerPixel) {
            return -1;
        }
        return pixels * bytesPerPixel;
    }
}
