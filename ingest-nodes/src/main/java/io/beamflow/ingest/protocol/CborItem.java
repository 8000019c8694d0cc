package io.beamflow.ingest.protocol;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * One decoded CBOR data item of a DECTRIS stream v2 message, with the tags that were on it (outermost
 * first is not guaranteed; use {@link #hasTag}).
 *
 * @param kind   what the item is
 * @param tags   the known tags on the item (empty when untagged)
 * @param map    entries of a MAP (text keys), else {@code null}
 * @param array  elements of an ARRAY, else {@code null}
 * @param bytes  content of a BYTES item, else {@code null}
 * @param text   content of a TEXT item, else {@code null}
 * @param number value of an INTEGER ({@link Long} or {@link BigInteger}) or FLOAT ({@link Double}), else {@code null}
 * @param bool   value of a BOOLEAN
 */
record CborItem(Kind kind, int[] tags, Map<String, CborItem> map, List<CborItem> array, byte[] bytes, String text,
        Number number, boolean bool) {

    /** Kinds of item. */
    enum Kind { MAP, ARRAY, BYTES, TEXT, INTEGER, FLOAT, BOOLEAN, NULL }

    boolean hasTag(int tag) {
        for (int t : tags) {
            if (t == tag) {
                return true;
            }
        }
        return false;
    }

    boolean isMap() {
        return kind == Kind.MAP;
    }

    /** @return the map entry {@code key}, or {@code null} when this is not a map or has no such key */
    CborItem get(String key) {
        return map == null ? null : map.get(key);
    }

    /** @return this item's text, or {@code null} when it is not a text string */
    String textOrNull() {
        return kind == Kind.TEXT ? text : null;
    }

    /**
     * @return the integer value when this is an integer within {@code [min, max]}, else {@link SenderNumbers#INVALID}
     */
    long integer(long min, long max) {
        if (kind != Kind.INTEGER || !(number instanceof Long l)) {
            return SenderNumbers.INVALID;
        }
        return l < min || l > max ? SenderNumbers.INVALID : l;
    }

    /** @return the value of an integer or float as a double, else {@code NaN} */
    double asDouble() {
        return kind == Kind.INTEGER || kind == Kind.FLOAT ? number.doubleValue() : Double.NaN;
    }
}
