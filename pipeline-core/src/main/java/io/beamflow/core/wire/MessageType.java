package io.beamflow.core.wire;

/** Kinds of message in the native protocol; the code travels in the header. */
public enum MessageType {
    /** One frame (or module part): header part + payload part. */
    FRAME(1),
    /** Start of a series: header part + JSON metadata part (may be {@code {}}). */
    SERIES_START(2),
    /** End of a series: header part only; {@code frameCount} says how many frames were sent. */
    SERIES_END(3);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** @return the binary code */
    public int code() {
        return code;
    }

    /**
     * @param code binary code from a header
     * @return the type or {@code null} when unknown
     */
    public static MessageType fromCode(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
