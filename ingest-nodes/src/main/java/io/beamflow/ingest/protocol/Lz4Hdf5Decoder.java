package io.beamflow.ingest.protocol;

import io.beamflow.core.wire.RejectReason;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Decodes LZ4 data in the HDF5 LZ4 filter framing (DECTRIS compression {@code lz4}): an 8-byte
 * big-endian total size, a 4-byte big-endian block size, then per block a 4-byte big-endian compressed
 * size and the block (stored as is when that size equals the block's uncompressed size). Every size is
 * checked against the expected length and the input before use; the output buffer is reused.
 */
final class Lz4Hdf5Decoder {
    private final LZ4SafeDecompressor lz4 = LZ4Factory.fastestInstance().safeDecompressor();
    private byte[] output = new byte[0];
    private String error = "";

    byte[] output() {
        return output;
    }

    String error() {
        return error;
    }

    /**
     * @param src       the framed data
     * @param rawLength bytes expected (already within the frame limit)
     * @return {@code null} on success ({@link #output()} holds {@code rawLength} bytes), else the reason
     */
    RejectReason decode(byte[] src, int rawLength) {
        if (src.length < 12) {
            error = "lz4 data of " + src.length + " bytes is shorter than its 12-byte header";
            return RejectReason.BAD_ENCODING;
        }
        long total = readLong(src, 0);
        long block = readInt(src, 8);
        if (total != rawLength) {
            error = "lz4 header declares " + total + " bytes, the array's dimensions imply " + rawLength;
            return RejectReason.PAYLOAD_LENGTH_MISMATCH;
        }
        if (block <= 0) {
            block = rawLength; // one block (the filter's "0: default" with sizes this small)
        }
        if (output.length < rawLength) {
            output = new byte[rawLength];
        }
        int in = 12;
        int out = 0;
        try {
            while (out < rawLength) {
                int expect = (int) Math.min(block, rawLength - out);
                if (src.length - in < 4) {
                    error = "lz4 data ends before block at output byte " + out;
                    return RejectReason.BAD_ENCODING;
                }
                long c = readInt(src, in);
                in += 4;
                if (c <= 0 || c > src.length - in) {
                    error = "lz4 block of " + c + " bytes at input byte " + in + " exceeds the data";
                    return RejectReason.BAD_ENCODING;
                }
                if (c == expect) {
                    System.arraycopy(src, in, output, out, expect);
                } else {
                    int n = lz4.decompress(src, in, (int) c, output, out, expect);
                    if (n != expect) {
                        error = "lz4 block decompressed to " + n + " bytes, expected " + expect;
                        return RejectReason.BAD_ENCODING;
                    }
                }
                in += (int) c;
                out += expect;
            }
        } catch (LZ4Exception e) {
            error = "lz4 data does not decompress: " + e.getMessage();
            return RejectReason.BAD_ENCODING;
        }
        if (in != src.length) {
            error = (src.length - in) + " bytes after the last lz4 block";
            return RejectReason.BAD_ENCODING;
        }
        return null;
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    private static long readInt(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
