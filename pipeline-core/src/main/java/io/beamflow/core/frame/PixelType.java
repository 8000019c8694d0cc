package io.beamflow.core.frame;

/**
 * Pixel data types a detector may send. The numeric {@link #code()} is what travels in binary headers;
 * the {@link #wireName()} is the name used in JSON headers (and in the DECTRIS stream's {@code type}).
 */
public enum PixelType {
    /** Unsigned 8-bit integer. */
    UINT8(1, 1, "uint8"),
    /** Unsigned 16-bit integer, the usual type of integrating and counting detectors. */
    UINT16(2, 2, "uint16"),
    /** Unsigned 32-bit integer. */
    UINT32(3, 4, "uint32"),
    /** Signed 32-bit integer. */
    INT32(4, 4, "int32"),
    /** IEEE 754 single precision, e.g. for already corrected data. */
    FLOAT32(5, 4, "float32");

    private static final PixelType[] BY_CODE = new PixelType[6];

    static {
        for (PixelType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int bytes;
    private final String wireName;

    PixelType(int code, int bytes, String wireName) {
        this.code = code;
        this.bytes = bytes;
        this.wireName = wireName;
    }

    /** @return the binary code used in wire and journal headers */
    public int code() {
        return code;
    }

    /** @return bytes per pixel */
    public int bytes() {
        return bytes;
    }

    /** @return the lower-case name used in JSON headers */
    public String wireName() {
        return wireName;
    }

    /**
     * @param code a binary pixel-type code
     * @return the type, or {@code null} when the code is unknown (callers reject the message)
     */
    public static PixelType fromCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * @param name a JSON pixel-type name such as {@code "uint16"}
     * @return the type, or {@code null} when the name is unknown
     */
    public static PixelType fromWireName(String name) {
        for (PixelType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
