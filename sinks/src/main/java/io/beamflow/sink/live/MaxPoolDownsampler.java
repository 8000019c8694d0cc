package io.beamflow.sink.live;

import io.beamflow.core.frame.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;

/**
 * Shrinks a frame for display by max-pooling square bins, so that isolated bright pixels (Bragg
 * spots) survive the reduction, unlike with averaging. The bin edge is the smallest integer that
 * brings the longer side down to at most {@code maxEdge}.
 */
public final class MaxPoolDownsampler {
    private MaxPoolDownsampler() {
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
        float[] out = new float[Math.multiplyExact(outW, outH)];
        if (type == PixelType.UINT16) {
            downsampleUint16(pixels, width, height, bin, outW, out);
            return new Image(out, outW, outH, bin);
        }
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

    /** Max of each bin on unsigned 16-bit values, a bulk-copied row at a time (exact: no float rounding). */
    private static void downsampleUint16(byte[] pixels, int width, int height, int bin, int outW, float[] out) {
        CharBuffer source = ByteBuffer.wrap(pixels).order(ByteOrder.LITTLE_ENDIAN).asCharBuffer();
        char[] row = new char[width];
        int[] rowMax = new int[outW];
        int fullBins = width / bin;
        for (int oy = 0, y0 = 0; y0 < height; oy++, y0 += bin) {
            java.util.Arrays.fill(rowMax, 0);
            int y1 = Math.min(height, y0 + bin);
            for (int y = y0; y < y1; y++) {
                source.get(y * width, row);
                if (bin == 2) {
                    for (int ox = 0; ox < fullBins; ox++) {
                        rowMax[ox] = Math.max(rowMax[ox], Math.max(row[2 * ox], row[2 * ox + 1]));
                    }
                } else {
                    // One column of each bin at a time: long simple loops instead of short inner ones.
                    for (int phase = 0; phase < bin; phase++) {
                        for (int ox = 0, x = phase; ox < fullBins; ox++, x += bin) {
                            rowMax[ox] = Math.max(rowMax[ox], row[x]);
                        }
                    }
                }
                for (int x = fullBins * bin; x < width; x++) {
                    rowMax[fullBins] = Math.max(rowMax[fullBins], row[x]);
                }
            }
            int o = oy * outW;
            for (int ox = 0; ox < outW; ox++) {
                out[o + ox] = rowMax[ox];
            }
        }
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
