package io.beamflow.bench.reduce;

import io.beamflow.core.frame.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** MaxPoolDownsampler as of main before the kernels work, copied verbatim as the benchmark baseline.
 *
 * <p>Original documentation:
 * Shrinks a frame for display by max-pooling square bins, so that isolated bright pixels (Bragg
 * spots) survive the reduction, unlike with averaging. The bin edge is the smallest integer that
 * brings the longer side down to at most {@code maxEdge}.
 */
final class LegacyMaxPoolDownsampler {
    private LegacyMaxPoolDownsampler() {
    }

    /**
     * A downsampled image.
     *
     * @param pixels  row-major values, {@code width * height} of them
     * @param width   columns
     * @param height  rows
     * @param binning source pixels per output pixel along each axis
     */
    public record Image(float[] pixels, int width, int height, int binning) {
    }

    /**
     * @param maxEdge longest allowed output edge
     * @param width   source width
     * @param height  source height
     * @return the bin edge used for such a frame
     */
    public static int binningFor(int maxEdge, int width, int height) {
        if (maxEdge < 1) {
            throw new IllegalArgumentException("maxEdge must be >= 1, got " + maxEdge);
        }
        int longest = Math.max(width, height);
        return Math.max(1, (longest + maxEdge - 1) / maxEdge);
    }

    /**
     * @param pixels  little-endian source pixels
     * @param type    their type
     * @param width   source width
     * @param height  source height
     * @param maxEdge longest allowed output edge
     * @return the max-pooled image
     * @throws IllegalArgumentException when the buffer is shorter than {@code width * height} pixels
     */
    public static Image downsample(byte[] pixels, PixelType type, int width, int height, int maxEdge) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad frame shape " + width + "x" + height);
        }
        long needed = (long) width * height * type.bytes();
        if (pixels.length < needed) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " " + type.wireName() + " needs "
                    + needed + " bytes, got " + pixels.length);
        }
        int bin = binningFor(maxEdge, width, height);
        int outW = (width + bin - 1) / bin;
        int outH = (height + bin - 1) / bin;
        float[] out = new float[outW * outH];
        java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
        ByteBuffer buf = ByteBuffer.wrap(pixels).order(ByteOrder.LITTLE_ENDIAN);
        int bytes = type.bytes();
        for (int y = 0; y < height; y++) {
            int rowOut = (y / bin) * outW;
            int rowIn = y * width;
            for (int x = 0; x < width; x++) {
                float v = read(buf, type, (rowIn + x) * bytes);
                int o = rowOut + x / bin;
                if (v > out[o]) {
                    out[o] = v;
                }
            }
        }
        return new Image(out, outW, outH, bin);
    }

    private static float read(ByteBuffer buf, PixelType type, int offset) {
        switch (type) {
            case UINT8:
                return buf.get(offset) & 0xFF;
            case UINT16:
                return buf.getShort(offset) & 0xFFFF;
            case UINT32:
                return buf.getInt(offset) & 0xFFFFFFFFL;
            case INT32:
                return buf.getInt(offset);
            case FLOAT32:
                return buf.getFloat(offset);
            default:
                throw new IllegalArgumentException("unsupported pixel type " + type);
        }
    }
}
