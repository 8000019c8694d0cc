package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.beamflow.core.wire.RejectReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one CBOR message into a {@link CborItem} tree with bounds an untrusted sender cannot exceed:
 * nesting depth, number of items and tags. Only the tags of DECTRIS stream v2 are accepted (self-describe
 * 55799 on the message, date/time 0 and 1, multi-dimensional array 40, RFC 8746 typed arrays 64-87 and
 * the DECTRIS compression tag 56500); any other tag is {@link RejectReason#UNKNOWN_CBOR_TAG}. Byte and
 * text strings are bounded by the message itself (the parser reads from the received bytes), so a declared
 * length beyond the message is a truncated message, never an allocation.
 */
final class CborReader {
    /** Tag of a self-described CBOR message. */
    static final int TAG_SELF_DESCRIBE = 55799;
    /** Multi-dimensional array, row-major (RFC 8746). */
    static final int TAG_MD_ARRAY = 40;
    /** DECTRIS compressed byte string: {@code [algorithm, element size, bytes]}. */
    static final int TAG_DECTRIS_COMPRESSION = 56500;
    /** First and last RFC 8746 typed-array tag. */
    static final int TAG_TYPED_FIRST = 64;
    static final int TAG_TYPED_LAST = 87;
    private static final int[] OTHER_KNOWN_TAGS = {0, 1, TAG_SELF_DESCRIBE, TAG_MD_ARRAY, TAG_DECTRIS_COMPRESSION};

    private static final CBORFactory FACTORY = CBORFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build();

    private final int maxDepth;
    private final int maxItems;
    private int items;

    /** A message the reader refuses, with the reason to count it under. */
    static final class CborException extends Exception {
        private static final long serialVersionUID = 1L;
        final transient RejectReason reason;

        CborException(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * @param maxDepth most nesting levels (maps, arrays) of a message
     * @param maxItems most data items of a message
     */
    CborReader(int maxDepth, int maxItems) {
        this.maxDepth = maxDepth;
        this.maxItems = maxItems;
    }

    /**
     * @param data the message, exactly one CBOR data item
     * @return the decoded item
     * @throws CborException when the message is not well formed, exceeds a bound or carries an unknown tag
     */
    CborItem read(byte[] data) throws CborException {
        items = 0;
        try (CBORParser p = FACTORY.createParser(data)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new CborException(RejectReason.BAD_CBOR, "empty message");
            }
            CborItem top = item(p, t, 0, true);
            if (p.nextToken() != null) {
                throw new CborException(RejectReason.BAD_CBOR, "data after the message's item");
            }
            return top;
        } catch (CborException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CborException(RejectReason.BAD_CBOR, "not well-formed CBOR: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no detail)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private CborItem item(CBORParser p, JsonToken t, int depth, boolean top) throws IOException, CborException {
        if (++items > maxItems) {
            throw new CborException(RejectReason.BAD_CBOR, "more than " + maxItems + " data items");
        }
        int[] tags = tags(p, top);
        switch (t) {
            case START_OBJECT -> {
                checkDepth(depth);
                Map<String, CborItem> map = new LinkedHashMap<>();
                JsonToken n;
                while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    CborItem v = item(p, p.nextToken(), depth + 1, false);
                    if (map.put(key, v) != null) {
                        throw new CborException(RejectReason.BAD_CBOR, "map key '" + key + "' twice");
                    }
                }
                if (n != JsonToken.END_OBJECT) {
                    throw new CborException(RejectReason.BAD_CBOR, "truncated map");
                }
                return new CborItem(CborItem.Kind.MAP, tags, map, null, null, null, null, false);
            }
            case START_ARRAY -> {
                checkDepth(depth);
                List<CborItem> list = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (n == null) {
                        throw new CborException(RejectReason.BAD_CBOR, "truncated array");
                    }
                    list.add(item(p, n, depth + 1, false));
                }
                return new CborItem(CborItem.Kind.ARRAY, tags, null, list, null, null, null, false);
            }
            case VALUE_EMBEDDED_OBJECT -> {
                Object o = p.getEmbeddedObject();
                if (!(o instanceof byte[] b)) {
                    throw new CborException(RejectReason.BAD_CBOR, "unsupported embedded value "
                            + (o == null ? "null" : o.getClass().getSimpleName()));
                }
                return new CborItem(CborItem.Kind.BYTES, tags, null, null, b, null, null, false);
            }
            case VALUE_STRING -> {
                return new CborItem(CborItem.Kind.TEXT, tags, null, null, null, p.getText(), null, false);
            }
            case VALUE_NUMBER_INT -> {
                Number n = p.getNumberType() == CBORParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue()
                        : Long.valueOf(p.getLongValue());
                return new CborItem(CborItem.Kind.INTEGER, tags, null, null, null, null, n, false);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new CborItem(CborItem.Kind.FLOAT, tags, null, null, null, null, p.getDoubleValue(), false);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new CborItem(CborItem.Kind.BOOLEAN, tags, null, null, null, null, null, t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return new CborItem(CborItem.Kind.NULL, tags, null, null, null, null, null, false);
            }
            default -> throw new CborException(RejectReason.BAD_CBOR, "unexpected " + t);
        }
    }

    private void checkDepth(int depth) throws CborException {
        if (depth >= maxDepth) {
            throw new CborException(RejectReason.BAD_CBOR, "nested deeper than " + maxDepth + " levels");
        }
    }

    private static int[] tags(CBORParser p, boolean top) throws CborException {
        CBORParser.TagList list = p.getCurrentTags();
        int n = list == null ? 0 : list.size();
        if (n == 0) {
            return new int[0];
        }
        int[] found = new int[n];
        int k = 0;
        for (int t = TAG_TYPED_FIRST; t <= TAG_TYPED_LAST && k < n; t++) {
            if (list.contains(t)) {
                found[k++] = t;
            }
        }
        for (int t : OTHER_KNOWN_TAGS) {
            if (k < n && list.contains(t)) {
                if (t == TAG_SELF_DESCRIBE && !top) {
                    throw new CborException(RejectReason.UNKNOWN_CBOR_TAG, "tag 55799 inside a message");
                }
                found[k++] = t;
            }
        }
        if (k != n) {
            int first = list.getFirstTag();
            boolean firstKnown = false;
            for (int i = 0; i < k; i++) {
                firstKnown |= found[i] == first;
            }
            throw new CborException(RejectReason.UNKNOWN_CBOR_TAG, (firstKnown ? "an unknown tag beside tag " : "unknown tag ")
                    + Integer.toUnsignedString(first) + " (known: 0, 1, 40, 55799, 56500, 64-87)");
        }
        return found;
    }
}
