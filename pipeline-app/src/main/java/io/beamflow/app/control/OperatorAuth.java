package io.beamflow.app.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The static operator token ({@code control.operatorToken} or {@code $BEAMFLOW_OPERATOR_TOKEN}): the fallback for a
 * beamline without an identity provider. Without a configured token it matches nothing: there is no built-in
 * default. {@link RequestAccess} decides what a request may do.
 */
public final class OperatorAuth {
    /** Environment variable that overrides {@code control.operatorToken}. */
    public static final String TOKEN_ENV = "BEAMFLOW_OPERATOR_TOKEN";

    private final byte[] token;

    /** @param token the operator token; {@code null} or blank: none */
    public OperatorAuth(String token) {
        this.token = token == null || token.isBlank() ? null : token.trim().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param configured token from the configuration
     * @return the environment's token when set, else the configured one
     */
    public static String resolveToken(String configured) {
        String env = System.getenv(TOKEN_ENV);
        return env != null && !env.isBlank() ? env : configured;
    }

    /** @return whether a token is configured */
    public boolean enabled() {
        return token != null;
    }

    /**
     * @param given a bearer token
     * @return whether it is the configured operator token (compared in constant time)
     */
    boolean matches(String given) {
        return token != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
    }
}
