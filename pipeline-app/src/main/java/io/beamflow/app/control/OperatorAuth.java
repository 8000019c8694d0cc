package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks the operator token of mutating requests ({@code Authorization: Bearer <token>}). Without a
 * configured token every mutation is refused: there is no built-in default.
 */
public final class OperatorAuth {
    /** Environment variable that overrides {@code control.operatorToken}. */
    public static final String TOKEN_ENV = "BEAMFLOW_OPERATOR_TOKEN";

    private final byte[] token;

    /** @param token the operator token; {@code null} or blank: mutations disabled */
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
     * @param ex a request
     * @return whether it carries the configured operator token
     */
    boolean accepts(HttpExchange ex) {
        try {
            require(ex);
            return true;
        } catch (ApiException e) {
            ex.getResponseHeaders().remove("WWW-Authenticate");
            return false;
        }
    }

    /** Throws 401 (no credentials) or 403 (wrong token, or mutations disabled). */
    void require(HttpExchange ex) {
        if (token == null) {
            throw new ApiException(403, "forbidden", "mutations are disabled: no operator token is configured "
                    + "(set control.operatorToken or " + TOKEN_ENV + ")");
        }
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.isBlank()) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"beamflow\"");
            throw new ApiException(401, "unauthenticated", "operator token required: send 'Authorization: Bearer <token>'");
        }
        String prefix = "Bearer ";
        if (!header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"beamflow\"");
            throw new ApiException(401, "unauthenticated", "Authorization header must use the Bearer scheme");
        }
        byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            throw new ApiException(403, "forbidden", "operator token is not valid");
        }
    }
}
