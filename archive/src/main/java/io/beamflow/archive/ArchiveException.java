package io.beamflow.archive;

/** An archive operation failed in a way the caller should report (catalog unreachable, bad target). */
public final class ArchiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   underlying error, or null
     */
    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
