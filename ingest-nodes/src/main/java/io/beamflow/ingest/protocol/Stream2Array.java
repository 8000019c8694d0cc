package io.beamflow.ingest.protocol;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.protocol.CborReader.CborException;
import java.util.List;

/**
 * A multi-dimensional array of a DECTRIS stream v2 message: tag 40 {@code [dimensions, typed array]}
 * (row-major, slowest dimension first), or a bare one-dimensional RFC 8746 typed array. The typed array's
 * content is a byte string, or the DECTRIS compression tag 56500 {@code [algorithm, element size, bytes]}
 * with {@code bslz4} or {@code lz4}. Sizes are checked against the node's frame limit without overflow
 * before anything is decoded.
 *
 * @param typedTag    the RFC 8746 tag
 * @param pixelType   the element type, or {@code null} when Beamflow does not store this typed array's type
 * @param dims        dimensions, slowest first
 * @param rawLength   bytes of the uncompressed array (product of dims x element size, within the limit)
 * @param compression {@code null} (raw), {@code bslz4} or {@code lz4}
 * @param elementSize the compression's element size (bslz4), else 0
 * @param bytes       the byte string as received (compressed or raw)
 */
record Stream2Array(int typedTag, PixelType pixelType, long[] dims, long rawLength, String compression,
        int elementSize, byte[] bytes) {

    /** @return a name of the typed array's type as in numpy ({@code uint16}), whether stored or not */
    String dtype() {
        return switch (typedTag) {
            case 64, 68 -> "uint8";
            case 65, 69 -> "uint16";
            case 66, 70 -> "uint32";
            case 67, 71 -> "uint64";
            case 72 -> "int8";
            case 73, 77 -> "int16";
            case 74, 78 -> "int32";
            case 75, 79 -> "int64";
            case 80, 84 -> "float16";
            case 81, 85 -> "float32";
            case 82, 86 -> "float64";
            case 83, 87 -> "float128";
            default -> "tag" + typedTag;
        };
    }

    /** @return bytes per element of the typed array */
    static int elementBytes(int typedTag) {
        int t = typedTag;
        if (t >= 64 && t <= 79 && t != 76) {
            int sub = t & 0x3; // RFC 8746: low two bits give the length 1, 2, 4, 8
            return 1 << sub;
        }
        return switch (t) {
            case 80, 84 -> 2;
            case 81, 85 -> 4;
            case 82, 86 -> 8;
            case 83, 87 -> 16;
            default -> -1;
        };
    }

    /** @return the stored pixel type for little-endian typed arrays Beamflow keeps, else {@code null} */
    static PixelType pixelTypeOf(int typedTag) {
        return switch (typedTag) {
            case 64 -> PixelType.UINT8;
            case 69 -> PixelType.UINT16;
            case 70 -> PixelType.UINT32;
            case 78 -> PixelType.INT32;
            case 85 -> PixelType.FLOAT32;
            default -> null;
        };
    }

    /**
     * @param item   the array item
     * @param what   what it is, for messages
     * @param limits the node's limits ({@code maxFrameBytes} bounds the uncompressed size)
     * @return the array
     * @throws CborException when it is not such an array, or its sizes are wrong or over the limit
     */
    static Stream2Array parse(CborItem item, String what, WireLimits limits) throws CborException {
        if (item == null) {
            throw new CborException(RejectReason.BAD_CBOR, what + " missing");
        }
        long[] dims;
        CborItem typed;
        if (item.hasTag(CborReader.TAG_MD_ARRAY)) {
            if (item.kind() != CborItem.Kind.ARRAY || item.array().size() != 2
                    || item.array().get(0).kind() != CborItem.Kind.ARRAY) {
                throw new CborException(RejectReason.BAD_CBOR, what + ": tag 40 must hold [dimensions, typed array]");
            }
            List<CborItem> d = item.array().get(0).array();
            if (d.isEmpty() || d.size() > 4) {
                throw new CborException(RejectReason.BAD_SHAPE, what + ": " + d.size() + " dimensions (1 to 4 accepted)");
            }
            dims = new long[d.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = d.get(i).integer(1, Integer.MAX_VALUE);
                if (dims[i] == SenderNumbers.INVALID) {
                    throw new CborException(RejectReason.BAD_SHAPE, what + ": dimension " + i + " is "
                            + describe(d.get(i)) + ", not an integer from 1 to " + Integer.MAX_VALUE);
                }
            }
            typed = item.array().get(1);
        } else {
            dims = null;
            typed = item;
        }
        int tag = typedTag(typed);
        if (tag < 0) {
            throw new CborException(RejectReason.BAD_CBOR, what + ": not a typed array (RFC 8746 tag 64-87)");
        }
        int elementBytes = elementBytes(tag);
        if (elementBytes < 0) {
            throw new CborException(RejectReason.UNKNOWN_CBOR_TAG, what + ": reserved typed-array tag " + tag);
        }
        String compression = null;
        int elementSize = 0;
        byte[] bytes;
        if (typed.hasTag(CborReader.TAG_DECTRIS_COMPRESSION)) {
            List<CborItem> c = typed.kind() == CborItem.Kind.ARRAY ? typed.array() : List.of();
            if (c.size() != 3 || c.get(0).textOrNull() == null || c.get(2).kind() != CborItem.Kind.BYTES) {
                throw new CborException(RejectReason.BAD_CBOR, what + ": tag 56500 must hold [algorithm, element size, bytes]");
            }
            compression = c.get(0).text();
            long es = c.get(1).integer(0, 16);
            if (!compression.equals("bslz4") && !compression.equals("lz4")) {
                throw new CborException(RejectReason.BAD_ENCODING, what + ": compression '" + compression
                        + "' (supported: bslz4, lz4)");
            }
            if (compression.equals("bslz4") && es != elementBytes) {
                throw new CborException(RejectReason.BAD_ENCODING, what + ": bslz4 element size " + describe(c.get(1))
                        + " for " + elementBytes + "-byte elements");
            }
            elementSize = (int) Math.max(0, es);
            bytes = c.get(2).bytes();
        } else if (typed.kind() == CborItem.Kind.BYTES) {
            bytes = typed.bytes();
        } else {
            throw new CborException(RejectReason.BAD_CBOR, what + ": typed array content is not a byte string");
        }
        if (dims == null) {
            if (compression == null && bytes.length % elementBytes != 0) {
                throw new CborException(RejectReason.PAYLOAD_LENGTH_MISMATCH, what + ": " + bytes.length
                        + " bytes is not a whole number of " + elementBytes + "-byte elements");
            }
            dims = new long[] {compression == null ? bytes.length / elementBytes : -1};
        }
        long raw = rawLength(dims, elementBytes, limits);
        if (raw < 0 && dims[0] >= 0) {
            throw new CborException(RejectReason.FRAME_TOO_LARGE, what + ": dimensions " + java.util.Arrays.toString(dims)
                    + " of " + elementBytes + "-byte elements exceed the limit of " + limits.maxFrameBytes() + " bytes");
        }
        if (compression == null && bytes.length != raw) {
            throw new CborException(RejectReason.PAYLOAD_LENGTH_MISMATCH, what + ": " + bytes.length
                    + " bytes, dimensions " + java.util.Arrays.toString(dims) + " imply " + raw);
        }
        return new Stream2Array(tag, pixelTypeOf(tag), dims, raw, compression, elementSize, bytes);
    }

    /** @return product of dims x element bytes, or -1 when over the limit (never overflows) */
    static long rawLength(long[] dims, int elementBytes, WireLimits limits) {
        long max = limits.maxFrameBytes();
        long total = elementBytes;
        for (long d : dims) {
            if (d <= 0 || total > max / d) {
                return -1;
            }
            total *= d;
        }
        return total <= max ? total : -1;
    }

    private static int typedTag(CborItem typed) {
        for (int t : typed.tags()) {
            if (t >= CborReader.TAG_TYPED_FIRST && t <= CborReader.TAG_TYPED_LAST) {
                return t;
            }
        }
        return -1;
    }

    private static String describe(CborItem i) {
        return switch (i.kind()) {
            case INTEGER, FLOAT -> String.valueOf(i.number());
            case TEXT -> "'" + i.text() + "'";
            default -> i.kind().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
