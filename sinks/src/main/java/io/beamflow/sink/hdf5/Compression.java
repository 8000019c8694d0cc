package io.beamflow.sink.hdf5;

import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Chunk compression choices and their HDF5 filter pipeline: bitshuffle+LZ4 (filter 32008, as written
 * by DECTRIS and PSI detectors), deflate (filter 1, zlib) or none.
 */
public enum Compression {
    /** Bitshuffle + LZ4, HDF5 filter 32008. */
    BSLZ4,
    /** zlib deflate, HDF5 filter 1, level 4. */
    DEFLATE,
    /** Stored uncompressed. */
    NONE;

    /** HDF5 filter id of bitshuffle. */
    public static final int BITSHUFFLE_FILTER_ID = 32008;
    /** Bitshuffle's compression flag for LZ4 ({@code BSHUF_H5_COMPRESS_LZ4}). */
    static final int BITSHUFFLE_LZ4 = 2;
    /** Deflate level used. */
    static final int DEFLATE_LEVEL = 4;

    /**
     * @param name {@code bslz4}, {@code deflate} or {@code none} (case-insensitive)
     * @return the compression
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Compression parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "bslz4":
            case "bitshuffle":
            case "bitshuffle-lz4":
                return BSLZ4;
            case "deflate":
            case "gzip":
                return DEFLATE;
            case "none":
            case "":
                return NONE;
            default:
                throw new IllegalArgumentException("unknown sink compression '" + name
                        + "' (known: bslz4, deflate, none)");
        }
    }

    /** @return the name used in configuration and in file attributes */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return a new encoder, or {@code null} for {@link #NONE} */
    ChunkEncoder newEncoder() {
        switch (this) {
            case BSLZ4: return new BitshuffleLz4ChunkEncoder();
            case DEFLATE: return new DeflateChunkEncoder();
            default: return null;
        }
    }

    /** Appends the filter pipeline message body, or does nothing for {@link #NONE}. */
    void encodeFilterPipeline(LeBuffer b, int elementSize) {
        if (this == NONE) {
            return;
        }
        b.u8(2).u8(1);
        if (this == DEFLATE) {
            b.u16(1).u16(0).u16(1).u32(DEFLATE_LEVEL);
        } else {
            byte[] name = "bitshuffle; see https://github.com/kiyo-masui/bitshuffle\0"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            b.u16(BITSHUFFLE_FILTER_ID).u16(name.length).u16(0).u16(5).bytes(name);
            // cd_values: bitshuffle major/minor version, element size, block size (0 = default), LZ4
            b.u32(0).u32(4).u32(elementSize).u32(0).u32(BITSHUFFLE_LZ4);
        }
    }

    /** Deflate (zlib stream) chunk encoder. */
    static final class DeflateChunkEncoder implements ChunkEncoder {
        private final Deflater deflater = new Deflater(DEFLATE_LEVEL);

        @Override
        public int maxEncodedLength(int len, int elementSize) {
            return len + len / 1000 + 64 + (len >>> 12) * 5;
        }

        @Override
        public int encode(byte[] src, int off, int len, int elementSize, byte[] dst) {
            deflater.reset();
            deflater.setInput(src, off, len);
            deflater.finish();
            int n = 0;
            while (!deflater.finished()) {
                if (n == dst.length) {
                    throw new IllegalStateException("deflate output exceeds bound " + dst.length);
                }
                n += deflater.deflate(dst, n, dst.length - n);
            }
            return n;
        }
    }
}
