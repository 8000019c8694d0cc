package io.beamflow.app.control;

/** A request the API refuses: carries the HTTP status, a short reason tag for the counter, and the message. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final transient Object details;

    ApiException(int status, String reason, String message) {
        this(status, reason, message, null);
    }

    ApiException(int status, String reason, String message, Object details) {
        super(message);
        this.status = status;
        this.reason = reason;
        this.details = details;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    Object details() {
        return details;
    }
}
