package io.beamflow.core.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The bitshuffle transform (Masui et al. 2015), bit-compatible with the reference implementation used
 * by HDF5 filter 32008 and the DECTRIS {@code bslz4} stream encoding.
 *
 * <p>For a block of {@code n} elements ({@code n} a multiple of 8) of {@code elementSize} bytes, output
 * byte {@code (j*8 + k) * (n/8) + i/8}, bit {@code i % 8}, holds bit {@code k} of byte {@code j} of
 * element {@code i}: bit-planes of each byte position, element order, least significant bit first.
 */
public final class Bitshuffle {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
        if (elementSize == 2 && (n & 63) == 0) {
            shuffle16(src, srcOff, dst, dstOff, n);
            return;
        }
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

    /**
     * Fast path for 16-bit elements, 64 at a time: word loads, bit transposes of the low and high bytes
     * of 8 elements, then an 8x8 byte transpose so that each bit-plane row gets one 8-byte store.
     */
    private static void shuffle16(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        int rowBytes = n >>> 3;
        long[] lo = new long[8];
        long[] hi = new long[8];
        for (int g0 = 0; g0 < rowBytes; g0 += 8) {
            int in = srcOff + (g0 << 4);
            for (int gi = 0; gi < 8; gi++, in += 16) {
                long a = (long) LONG_LE.get(src, in);
                long b = (long) LONG_LE.get(src, in + 8);
                lo[gi] = transpose8x8(evenBytes(a) | evenBytes(b) << 32);
                hi[gi] = transpose8x8(evenBytes(a >>> 8) | evenBytes(b >>> 8) << 32);
            }
            transposeBytes(lo);
            transposeBytes(hi);
            int out = dstOff + g0;
            for (int k = 0; k < 8; k++) {
                LONG_LE.set(dst, out + k * rowBytes, lo[k]);
                LONG_LE.set(dst, out + (8 + k) * rowBytes, hi[k]);
            }
        }
    }

    /** @return bytes 0, 2, 4, 6 of {@code v} packed into the low 4 bytes */
    private static long evenBytes(long v) {
        long x = v & 0x00FF00FF00FF00FFL;
        x = (x | x >>> 8) & 0x0000FFFF0000FFFFL;
        return (x | x >>> 16) & 0xFFFFFFFFL;
    }

    /** Transposes 8 longs seen as an 8x8 byte matrix (row r = long r, column c = byte c). */
    private static void transposeBytes(long[] m) {
        for (int r = 0; r < 4; r++) {
            long a = m[r];
            long b = m[r + 4];
            m[r] = (a & 0xFFFFFFFFL) | b << 32;
            m[r + 4] = a >>> 32 | (b & 0xFFFFFFFF00000000L);
        }
        for (int r = 0; r < 8; r = r == 1 ? 4 : r + 1) {
            long a = m[r];
            long b = m[r + 2];
            m[r] = (a & 0x0000FFFF0000FFFFL) | (b & 0x0000FFFF0000FFFFL) << 16;
            m[r + 2] = (a >>> 16 & 0x0000FFFF0000FFFFL) | (b & 0xFFFF0000FFFF0000L);
            if (r == 5) {
                break;
            }
        }
        for (int r = 0; r < 8; r += 2) {
            long a = m[r];
            long b = m[r + 1];
            m[r] = (a & 0x00FF00FF00FF00FFL) | (b & 0x00FF00FF00FF00FFL) << 8;
            m[r + 1] = (a >>> 8 & 0x00FF00FF00FF00FFL) | (b & 0xFF00FF00FF00FF00L);
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
