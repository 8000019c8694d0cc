package io.beamflow.app.control.auth;

/**
 * A bearer token that is not accepted, with a short reason tag for the counter ({@code expired},
 * {@code not_yet_valid}, {@code wrong_issuer}, {@code wrong_audience}, {@code bad_signature}, {@code unknown_kid},
 * {@code alg_none}, {@code alg_not_allowed}, {@code malformed}, ...) and a message for the client.
 */
public final class TokenRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final boolean keysUnavailable;

    /**
     * @param reason  reason tag
     * @param message what is wrong, for the client
     */
    public TokenRefusedException(String reason, String message) {
        this(reason, message, false);
    }

    TokenRefusedException(String reason, String message, boolean keysUnavailable) {
        super(message);
        this.reason = reason;
        this.keysUnavailable = keysUnavailable;
    }

    /** @return the reason tag */
    public String reason() {
        return reason;
    }

    /** @return whether the issuer's keys could not be fetched (not the token's fault: 503, not 401) */
    public boolean keysUnavailable() {
        return keysUnavailable;
    }
}
