package io.beamflow.core.codec;

import java.util.Locale;

/**
 * How a journaled frame's body is encoded: raw little-endian pixels, or the bitshuffle+LZ4 chunk the detector
 * sent (HDF5 filter 32008 format with its 12-byte header, DECTRIS {@code bs8/bs16/bs32-lz4<}), kept compressed
 * from ingest to the data file. The code is stored in the journal record header ({@code NativeHeaderFlyweight}).
 */
public enum PayloadCodec {
    /** Uncompressed little-endian pixels. */
    RAW(0, "none"),
    /** Bitshuffle + LZ4 (filter 32008 chunk format), element size = pixel size. */
    BSLZ4(1, "bslz4");

    private final int code;
    private final String configName;

    PayloadCodec(int code, String configName) {
        this.code = code;
        this.configName = configName;
    }

    /** @return the code stored in a record header */
    public int code() {
        return code;
    }

    /** @return the name the HDF5 sink uses for the same chunk format ({@code sink.compression}) */
    public String configName() {
        return configName;
    }

    /**
     * @param code a header's codec code
     * @return the codec, or {@code null} when unknown
     */
    public static PayloadCodec fromCode(int code) {
        for (PayloadCodec c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /**
     * The codec whose bytes the sink can write as its chunks unchanged.
     *
     * @param sinkCompression a {@code sink.compression} value (its aliases as the sink accepts them)
     * @return {@link #BSLZ4} for bitshuffle+LZ4, else {@code null} (the sink encodes the pixels itself)
     */
    public static PayloadCodec ofSinkCompression(String sinkCompression) {
        String n = sinkCompression == null ? "" : sinkCompression.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "bslz4", "bitshuffle", "bitshuffle-lz4" -> BSLZ4;
            default -> null;
        };
    }
}
