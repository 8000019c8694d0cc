package io.beamflow.sink.hdf5;

import io.beamflow.core.frame.PixelType;
import java.io.Serializable;

/**
 * An HDF5 element datatype (little-endian integers, IEEE floats, fixed-length strings) and its
 * datatype-message encoding. Strings are null-terminated with character set ASCII, as DECTRIS's
 * filewriter writes them: C readers (the XDS plugins neggia and durin) read them into an
 * {@code H5T_C_S1} type, for which libhdf5 has no conversion from UTF-8.
 *
 * @param kind     integer, float or string
 * @param size     bytes per element
 * @param signed   whether an integer is signed
 */
public record H5Type(Kind kind, int size, boolean signed) implements Serializable {
    /** Datatype classes this writer supports. */
    public enum Kind {
        /** Fixed-point (integer). */
        INTEGER,
        /** IEEE 754 floating point. */
        FLOAT,
        /** Fixed-length, null-terminated string, character set ASCII (the size counts the terminator). */
        STRING
    }

    /** Unsigned 8-bit integer. */
    public static final H5Type UINT8 = new H5Type(Kind.INTEGER, 1, false);
    /** Unsigned 16-bit integer. */
    public static final H5Type UINT16 = new H5Type(Kind.INTEGER, 2, false);
    /** Unsigned 32-bit integer. */
    public static final H5Type UINT32 = new H5Type(Kind.INTEGER, 4, false);
    /** Signed 32-bit integer. */
    public static final H5Type INT32 = new H5Type(Kind.INTEGER, 4, true);
    /** Signed 64-bit integer. */
    public static final H5Type INT64 = new H5Type(Kind.INTEGER, 8, true);
    /** Unsigned 64-bit integer. */
    public static final H5Type UINT64 = new H5Type(Kind.INTEGER, 8, false);
    /** IEEE single precision. */
    public static final H5Type FLOAT32 = new H5Type(Kind.FLOAT, 4, true);
    /** IEEE double precision. */
    public static final H5Type FLOAT64 = new H5Type(Kind.FLOAT, 8, true);

    /**
     * @param length bytes per string including the terminating null (at least 1)
     * @return a fixed-length string type
     */
    public static H5Type string(int length) {
        return new H5Type(Kind.STRING, Math.max(1, length), false);
    }

    /**
     * @param t a detector pixel type
     * @return the matching HDF5 type
     */
    public static H5Type of(PixelType t) {
        switch (t) {
            case UINT8: return UINT8;
            case UINT16: return UINT16;
            case UINT32: return UINT32;
            case INT32: return INT32;
            case FLOAT32: return FLOAT32;
            default: throw new IllegalArgumentException("unsupported pixel type " + t);
        }
    }

    /**
     * @param value a string value
     * @return its bytes (UTF-8, which is ASCII for ASCII text) followed by the terminating null
     */
    static byte[] nullTerminated(String value) {
        byte[] b = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** Encodes the datatype message body. */
    void encode(LeBuffer b) {
        switch (kind) {
            case INTEGER:
                b.u8(0x10).u8(signed ? 0x08 : 0).u8(0).u8(0).u32(size);
                b.u16(0).u16(size * 8);
                break;
            case FLOAT:
                b.u8(0x11).u8(0x20).u8(size * 8 - 1).u8(0).u32(size);
                if (size == 4) {
                    b.u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127);
                } else {
                    b.u16(0).u16(64).u8(52).u8(11).u8(0).u8(52).u32(1023);
                }
                break;
            case STRING:
                // class 3, version 1; padding 0 (null terminate), character set 0 (ASCII)
                b.u8(0x13).u8(0x00).u8(0).u8(0).u32(size);
                break;
            default:
                throw new IllegalStateException();
        }
    }
}
