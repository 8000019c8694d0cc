package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.beamflow.app.control.auth.AccessPolicy;
import io.beamflow.app.control.auth.OidcVerifier;
import io.beamflow.app.control.auth.Principal;
import io.beamflow.app.control.auth.TokenRefusedException;
import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request comes from and what it may do: the one place handlers ask ({@link #policy},
 * {@link #requireRead}, {@link #requireOperate}). A bearer token is the static operator token
 * ({@code control.operatorToken}) or, with {@code control.oidc} set, an OIDC JWT checked by {@link OidcVerifier}; a
 * refused JWT is answered 401 with the reason (counted in {@code beamflow.control.token.rejected{reason}}).
 * Without OIDC a request with no or a wrong token is anonymous, and the refusals are those of the operator token
 * alone, as before.
 */
final class RequestAccess {
    private static final Logger LOG = LoggerFactory.getLogger(RequestAccess.class);
    private static final String BEARER = "Bearer ";

    private final OperatorAuth operatorToken;
    private final OidcVerifier oidc;
    private final String beamline;
    private final SeriesBeamtimes beamtimes;
    private final MeterRegistry registry;

    /**
     * @param operatorToken the static token
     * @param oidc          the token verifier, or {@code null} without OIDC
     * @param beamline      the beamline this server serves ({@code sink.beamline})
     * @param beamtimes     the beamtimes of series
     * @param registry      where refused tokens are counted
     */
    RequestAccess(OperatorAuth operatorToken, OidcVerifier oidc, String beamline, SeriesBeamtimes beamtimes,
            MeterRegistry registry) {
        this.operatorToken = operatorToken;
        this.oidc = oidc;
        this.beamline = beamline == null ? "" : beamline;
        this.beamtimes = beamtimes;
        this.registry = registry;
    }

    /** @return whether OIDC tokens are accepted (then anonymous requests see no data) */
    boolean oidc() {
        return oidc != null;
    }

    /** @return the beamtimes of series */
    SeriesBeamtimes beamtimes() {
        return beamtimes;
    }

    /**
     * @param ex a request
     * @return what its sender may do
     * @throws ApiException 401 for a bearer token that is refused (with OIDC), 503 when the issuer's keys cannot be
     *                      fetched
     */
    AccessPolicy policy(HttpExchange ex) {
        return new AccessPolicy(principal(ex), oidc != null, beamline, beamtimes::find);
    }

    /**
     * @param ex         a request
     * @param beamtimeId the beamtime whose data it wants ({@code ""}: data outside any beamtime)
     * @return the sender's policy
     * @throws ApiException 401 without valid credentials, 403 when the sender may not read that beamtime
     */
    AccessPolicy requireRead(HttpExchange ex, String beamtimeId) {
        AccessPolicy p = policy(ex);
        if (!p.canRead(beamtimeId)) {
            throw refusal(ex, p, beamtimeId.isEmpty() ? "data outside any beamtime are for the operators of beamline "
                    + beamline : "beamtime " + beamtimeId + " is not yours to read");
        }
        return p;
    }

    /**
     * @param ex a request
     * @return the sender's policy, when it may read anything at all: with OIDC, valid credentials
     * @throws ApiException 401 with OIDC and no valid credentials
     */
    AccessPolicy requireAuthenticated(HttpExchange ex) {
        AccessPolicy p = policy(ex);
        if (oidc != null && !p.authenticated()) {
            throw unauthenticated(ex);
        }
        return p;
    }

    /**
     * @param ex           a request
     * @param lineOperated the beamline whose rules, series or beamtimes it changes
     * @return the sender's policy
     * @throws ApiException 401 without valid credentials, 403 when the sender does not operate that beamline (or,
     *                      without OIDC, when no operator token is configured or the token is wrong)
     */
    AccessPolicy requireOperate(HttpExchange ex, String lineOperated) {
        if (oidc == null && !operatorToken.enabled()) {
            throw new ApiException(403, "forbidden", "mutations are disabled: no operator token is configured "
                    + "(set control.operatorToken or " + OperatorAuth.TOKEN_ENV + ")");
        }
        AccessPolicy p = policy(ex);
        if (!p.canOperate(lineOperated)) {
            throw refusal(ex, p, p.principal().describe() + " does not operate beamline "
                    + (lineOperated.isEmpty() ? "(none)" : lineOperated));
        }
        return p;
    }

    /** {@link #requireOperate} for this server's beamline (rules, series). */
    AccessPolicy requireOperateHere(HttpExchange ex) {
        return requireOperate(ex, beamline);
    }

    /**
     * @param ex a request
     * @return whether it carries valid credentials (without answering anything)
     */
    boolean authenticatedQuietly(HttpExchange ex) {
        try {
            return policy(ex).authenticated();
        } catch (ApiException e) {
            ex.getResponseHeaders().remove("WWW-Authenticate");
            return false;
        }
    }

    /**
     * @param p       the sender's policy
     * @param claimed the author the request names
     * @return who is recorded as the author: the token's account for an OIDC principal (not what the request claims),
     *         else the request's author
     */
    static String author(AccessPolicy p, String claimed) {
        return p.principal().kind() == Principal.Kind.OIDC ? p.principal().describe() : claimed;
    }

    private ApiException refusal(HttpExchange ex, AccessPolicy p, String why) {
        if (!p.authenticated()) {
            return unauthenticated(ex);
        }
        return new ApiException(403, "forbidden", why);
    }

    /** 401 for a request without valid credentials, worded as the configured scheme needs. */
    private ApiException unauthenticated(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (oidc == null && header != null && !header.isBlank() && hasBearer(header)) {
            return new ApiException(403, "forbidden", "operator token is not valid");
        }
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"beamflow\"");
        if (header != null && !header.isBlank() && !hasBearer(header)) {
            return new ApiException(401, "unauthenticated", "Authorization header must use the Bearer scheme");
        }
        return new ApiException(401, "unauthenticated", oidc == null
                ? "operator token required: send 'Authorization: Bearer <token>'"
                : "authentication required: send 'Authorization: Bearer <token>' with an access token of the "
                        + "facility's identity provider (or the operator token)");
    }

    private Principal principal(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || header.isBlank() || !hasBearer(header)) {
            return Principal.ANONYMOUS;
        }
        String token = header.substring(BEARER.length()).trim();
        if (operatorToken.matches(token)) {
            return Principal.OPERATOR_TOKEN;
        }
        if (oidc == null) {
            return Principal.ANONYMOUS; // a wrong operator token: refused where the token is needed
        }
        try {
            return oidc.verify(token);
        } catch (TokenRefusedException e) {
            if (e.keysUnavailable()) {
                LOG.warn("OIDC: {}", e.getMessage());
                throw new ApiException(503, "jwks_unavailable", e.getMessage());
            }
            Counter.builder(MetricNames.CONTROL_TOKEN_REJECTED).tag("reason", e.reason())
                    .description("bearer tokens refused by the control API").register(registry).increment();
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"beamflow\", error=\"invalid_token\", "
                    + "error_description=\"" + e.reason() + "\"");
            throw new ApiException(401, "invalid_token", "bearer token refused (" + e.reason() + "): " + e.getMessage());
        }
    }

    private static boolean hasBearer(String header) {
        return header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    }
}
