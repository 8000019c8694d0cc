package io.beamflow.core.codec;

/**
 * The bitshuffle transform (Masui et al. 2015), bit-compatible with the reference implementation used
 * by HDF5 filter 32008 and the DECTRIS {@code bslz4} stream encoding.
 *
 * <p>For a block of {@code n} elements ({@code n} a multiple of 8) of {@code elementSize} bytes, output
 * byte {@code (j*8 + k) * (n/8) + i/8}, bit {@code i % 8}, holds bit {@code k} of byte {@code j} of
 * element {@code i}: bit-planes of each byte position, element order, least significant bit first.
 */
public final class Bitshuffle {
    private Bitshuffle() {
    }

    /**
     * Bitshuffles {@code n} elements.
     *
     * @param src         input
     * @param srcOff      input offset
     * @param dst         output, {@code n * elementSize} bytes from {@code dstOff}
     * @param dstOff      output offset
     * @param n           element count, a multiple of 8
     * @param elementSize bytes per element
     */
    public static void shuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int n, int elementSize) {
        checkMultipleOfEight(n);
        int rowBytes = n >>> 3;
        for (int j = 0; j < elementSize; j++) {
            int planeBase = dstOff + j * 8 * rowBytes;
            for (int g = 0; g < rowBytes; g++) {
                int in = srcOff + (g << 3) * elementSize + j;
                long x = 0;
                for (int m = 0; m < 8; m++) {
                    x |= (src[in + m * elementSize] & 0xFFL) << (m << 3);
                }
                x = transpose8x8(x);
                int out = planeBase + g;
                for (int k = 0; k < 8; k++) {
                    dst[out + k * rowBytes] = (byte) (x >>> (k << 3));
                }
            }
        }
    }

    /**
     * Reverses {@link #shuffle}.
     *
     * @param src         bitshuffled input
     * @param srcOff      input offset
     * @param dst         output, {@code n * elementSize} bytes from {@code dstOff}
     * @param dstOff      output offset
     * @param n           element count, a multiple of 8
     * @param elementSize bytes per element
     */
    public static void unshuffle(byte[] src, int srcOff, byte[] dst, int dstOff, int n, int elementSize) {
        checkMultipleOfEight(n);
        int rowBytes = n >>> 3;
        for (int j = 0; j < elementSize; j++) {
            int planeBase = srcOff + j * 8 * rowBytes;
            for (int g = 0; g < rowBytes; g++) {
                int in = planeBase + g;
                long x = 0;
                for (int k = 0; k < 8; k++) {
                    x |= (src[in + k * rowBytes] & 0xFFL) << (k << 3);
                }
                x = transpose8x8(x);
                int out = dstOff + (g << 3) * elementSize + j;
                for (int m = 0; m < 8; m++) {
                    dst[out + m * elementSize] = (byte) (x >>> (m << 3));
                }
            }
        }
    }

    /** Transposes an 8x8 bit matrix held row-per-byte in a long (bit 8r+c moves to 8c+r). */
    static long transpose8x8(long x) {
        long t = (x ^ (x >>> 7)) & 0x00AA00AA00AA00AAL;
        x = x ^ t ^ (t << 7);
        t = (x ^ (x >>> 14)) & 0x0000CCCC0000CCCCL;
        x = x ^ t ^ (t << 14);
        t = (x ^ (x >>> 28)) & 0x00000000F0F0F0F0L;
        return x ^ t ^ (t << 28);
    }

    private static void checkMultipleOfEight(int n) {
        if ((n & 7) != 0 || n < 0) {
            throw new IllegalArgumentException("element count must be a non-negative multiple of 8: " + n);
        }
    }
}
