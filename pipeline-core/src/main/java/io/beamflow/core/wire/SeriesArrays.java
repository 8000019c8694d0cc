package io.beamflow.core.wire;

import io.beamflow.core.frame.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Named arrays of a series that the sender gave at its start (a detector's pixel mask, flat field, count-rate
 * correction table), carried from the ingest node to the files beside the series metadata. In the journal they
 * follow the metadata JSON of the SERIES_START record after one NUL byte (JSON text never holds a raw NUL); see
 * {@link #splitStartBody}. Encoding, little endian: magic {@code BFSA}, version (u16), count (u16), then per
 * array: name length (u16) and ASCII name, pixel type code (u8), number of dimensions (u8, 1 to 4), the
 * dimensions (u32 each), data length (u32) and the little-endian element bytes. Decoding checks every size
 * against the bytes at hand and a limit before it allocates anything.
 */
public final class SeriesArrays {
    private static final int MAGIC = 0x41534642; // "BFSA" little endian
    private static final int VERSION = 1;
    /** Most arrays in one set. */
    public static final int MAX_ARRAYS = 16;
    /** Longest array name. */
    public static final int MAX_NAME_LENGTH = 64;

    /**
     * One named array.
     *
     * @param name  the name, 1 to {@link #MAX_NAME_LENGTH} characters of {@code [A-Za-z0-9_]}
     * @param type  element type
     * @param dims  dimensions, slowest first (1 to 4, each >= 1)
     * @param data  little-endian element bytes, exactly the product of dims times the element size
     */
    public record NamedArray(String name, PixelType type, long[] dims, byte[] data) {
        /** Checks the name and that data holds exactly dims x element size bytes. */
        public NamedArray {
            if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH || !name.matches("[A-Za-z0-9_]+")) {
                throw new IllegalArgumentException("array name '" + name + "'");
            }
            if (dims.length < 1 || dims.length > 4) {
                throw new IllegalArgumentException(name + ": " + dims.length + " dimensions");
            }
            long n = type.bytes();
            for (long d : dims) {
                if (d < 1 || d > Integer.MAX_VALUE || n > Integer.MAX_VALUE / d) {
                    throw new IllegalArgumentException(name + ": dimensions " + Arrays.toString(dims));
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException(name + ": " + data.length + " bytes, dimensions need " + n);
            }
        }
    }

    private SeriesArrays() {
    }

    /** @return the encoded size of {@code arrays} */
    public static long encodedLength(List<NamedArray> arrays) {
        long n = 8;
        for (NamedArray a : arrays) {
            n += 2 + a.name().length() + 2 + 4L * a.dims().length + 4 + a.data().length;
        }
        return n;
    }

    /**
     * @param arrays at most {@link #MAX_ARRAYS}, encoded size below 2 GiB
     * @return the encoding
     */
    public static byte[] encode(List<NamedArray> arrays) {
        long length = encodedLength(arrays);
        if (arrays.size() > MAX_ARRAYS || length > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(arrays.size() + " arrays of " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) arrays.size());
        for (NamedArray a : arrays) {
            byte[] name = a.name().getBytes(StandardCharsets.US_ASCII);
            b.putShort((short) name.length).put(name);
            b.put((byte) a.type().code()).put((byte) a.dims().length);
            for (long d : a.dims()) {
                b.putInt((int) d);
            }
            b.putInt(a.data().length).put(a.data());
        }
        return b.array();
    }

    /**
     * @param src      the encoding
     * @param maxBytes most data bytes over all arrays
     * @return the arrays
     * @throws IllegalArgumentException when {@code src} is not a valid encoding within the limit
     */
    public static List<NamedArray> decode(byte[] src, long maxBytes) {
        ByteBuffer b = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
        need(b, 8);
        if (b.getInt() != MAGIC) {
            throw new IllegalArgumentException("series arrays: bad magic");
        }
        int version = b.getShort() & 0xffff;
        if (version != VERSION) {
            throw new IllegalArgumentException("series arrays: unknown version " + version);
        }
        int count = b.getShort() & 0xffff;
        if (count > MAX_ARRAYS) {
            throw new IllegalArgumentException("series arrays: " + count + " arrays (at most " + MAX_ARRAYS + ")");
        }
        List<NamedArray> out = new ArrayList<>(count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            need(b, 2);
            int nameLength = b.getShort() & 0xffff;
            if (nameLength > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException("series arrays: name of " + nameLength + " bytes");
            }
            need(b, nameLength + 2);
            byte[] name = new byte[nameLength];
            b.get(name);
            PixelType type = PixelType.fromCode(b.get() & 0xff);
            int nd = b.get() & 0xff;
            if (type == null || nd < 1 || nd > 4) {
                throw new IllegalArgumentException("series arrays: array " + i + " has an unknown type or " + nd
                        + " dimensions");
            }
            need(b, 4L * nd + 4);
            long[] dims = new long[nd];
            for (int k = 0; k < nd; k++) {
                dims[k] = Integer.toUnsignedLong(b.getInt());
            }
            long length = Integer.toUnsignedLong(b.getInt());
            total += length;
            if (total > maxBytes) {
                throw new IllegalArgumentException("series arrays: more than " + maxBytes + " bytes");
            }
            need(b, length);
            byte[] data = new byte[(int) length];
            b.get(data);
            out.add(new NamedArray(new String(name, StandardCharsets.US_ASCII), type, dims, data));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException("series arrays: " + b.remaining() + " bytes after the last array");
        }
        return out;
    }

    private static void need(ByteBuffer b, long n) {
        if (n > b.remaining()) {
            throw new IllegalArgumentException("series arrays: truncated (" + n + " bytes needed, " + b.remaining()
                    + " left)");
        }
    }

    /**
     * Joins the metadata JSON and the arrays of a SERIES_START record body.
     *
     * @param json   metadata JSON (UTF-8, no NUL byte)
     * @param arrays encoded arrays, or {@code null} for none
     * @return the body
     */
    public static byte[] startBody(byte[] json, byte[] arrays) {
        if (arrays == null) {
            return json;
        }
        byte[] body = new byte[json.length + 1 + arrays.length];
        System.arraycopy(json, 0, body, 0, json.length);
        System.arraycopy(arrays, 0, body, json.length + 1, arrays.length);
        return body;
    }

    /**
     * @param body a SERIES_START record body
     * @return the length of its metadata JSON: up to the first NUL byte, else the whole body
     */
    public static int jsonLength(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return body.length;
    }

    /**
     * @param body a SERIES_START record body
     * @return its encoded arrays (after the first NUL byte), or {@code null} when it has none
     */
    public static byte[] splitStartBody(byte[] body) {
        int n = jsonLength(body);
        return n >= body.length ? null : Arrays.copyOfRange(body, n + 1, body.length);
    }
}
