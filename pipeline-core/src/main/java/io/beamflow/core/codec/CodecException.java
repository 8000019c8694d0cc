package io.beamflow.core.codec;

/** Thrown when compressed input is malformed or does not fit the expected size. */
public final class CodecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the input */
    public CodecException(String message) {
        super(message);
    }
}
