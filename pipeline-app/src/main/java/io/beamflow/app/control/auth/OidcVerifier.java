package io.beamflow.app.control.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.beamflow.core.config.OidcConfig;
import java.security.Key;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Checks OIDC bearer tokens: a JWS-signed JWT (never {@code alg: none}, never HMAC: the issuer's key set is public)
 * whose key comes from the issuer's JWKS ({@code control.oidc.jwksUrl}; fetched with bounded time and size, cached,
 * fetched again when a token names an unknown {@code kid}, at most once per {@code jwksMinRefreshSeconds}), whose
 * signature verifies, and whose {@code iss}, {@code aud}, {@code exp} and {@code nbf} are right (with the configured
 * clock skew). The claims become a {@link Principal}. Thread-safe.
 */
public final class OidcVerifier {
    /** Longest token accepted, characters (a header, claims with some hundred groups and a signature fit). */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final OidcSettings settings;
    private final JWKSource<SecurityContext> keys;
    private final LongSupplier clockMs;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    /**
     * @param settings checked {@code control.oidc}
     */
    public OidcVerifier(OidcSettings settings) {
        this(settings, System::currentTimeMillis);
    }

    /**
     * @param settings checked {@code control.oidc}
     * @param clockMs  the wall clock (ms since the epoch) that {@code exp} and {@code nbf} are compared with
     */
    public OidcVerifier(OidcSettings settings, LongSupplier clockMs) {
        this.settings = settings;
        this.clockMs = clockMs;
        OidcConfig c = settings.config();
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(c.jwksTimeoutMs, c.jwksTimeoutMs,
                c.jwksMaxBytes);
        JWKSourceBuilder<SecurityContext> b = JWKSourceBuilder.<SecurityContext>create(settings.jwksUrl(), retriever)
                .cache(c.jwksCacheSeconds * 1000L, 2L * c.jwksTimeoutMs)
                .refreshAheadCache(false)
                .retrying(false);
        this.keys = (c.jwksMinRefreshSeconds > 0 ? b.rateLimited(c.jwksMinRefreshSeconds * 1000L) : b.rateLimited(false))
                .build();
    }

    /**
     * @param token the bearer token (compact JWS)
     * @return who it names
     * @throws TokenRefusedException when it is not accepted, with the reason
     */
    public Principal verify(String token) throws TokenRefusedException {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRefusedException("too_large", "bearer token has " + token.length() + " characters; at most "
                    + MAX_TOKEN_CHARS);
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenRefusedException("malformed", "bearer token is neither the operator token nor a JWT: "
                    + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            throw new TokenRefusedException("alg_none", "unsigned token (alg: none) refused");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT)) {
            throw new TokenRefusedException("malformed", "encrypted tokens (JWE) are not accepted; send a signed JWT");
        }
        SignedJWT signed = (SignedJWT) jwt;
        JWSHeader header = signed.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!settings.algorithms().contains(alg)) {
            throw new TokenRefusedException("alg_not_allowed", "signature algorithm " + alg + " refused; accepted: "
                    + settings.algorithms().stream().map(JWSAlgorithm::getName).sorted().toList()
                    + (JWSAlgorithm.Family.HMAC_SHA.contains(alg) ? " (HMAC with the issuer's public key is a forgery)" : ""));
        }
        List<JWK> candidates;
        try {
            candidates = keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
        } catch (RateLimitReachedException e) {
            candidates = List.of(); // fetched too recently: the kid stays unknown until the next allowed fetch
        } catch (KeySourceException e) {
            throw new TokenRefusedException("jwks_unavailable", "the issuer's keys cannot be fetched from "
                    + settings.jwksUrl() + ": " + e.getMessage(), true);
        }
        List<Key> publicKeys = new ArrayList<>();
        for (JWK k : candidates) {
            try {
                if (k instanceof RSAKey) {
                    publicKeys.add(((RSAKey) k).toRSAPublicKey());
                } else if (k instanceof ECKey) {
                    publicKeys.add(((ECKey) k).toECPublicKey());
                } // symmetric ("oct") keys in a key set are never used
            } catch (JOSEException e) {
                // a broken key in the set: skip it
            }
        }
        if (publicKeys.isEmpty()) {
            throw new TokenRefusedException("unknown_kid", "no key of the issuer's key set matches the token (kid '"
                    + (header.getKeyID() == null ? "" : header.getKeyID()) + "', alg " + alg + ")");
        }
        boolean verified = false;
        for (Key k : publicKeys) {
            try {
                JWSVerifier v = verifiers.createJWSVerifier(header, k);
                if (signed.verify(v)) {
                    verified = true;
                    break;
                }
            } catch (JOSEException e) {
                // the key does not fit the algorithm (e.g. an RSA key for ES256): try the next
            }
        }
        if (!verified) {
            throw new TokenRefusedException("bad_signature", "token signature does not verify with the issuer's key");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenRefusedException("malformed", "token claims are not a JSON object: " + e.getMessage());
        }
        checkClaims(claims);
        return principal(claims);
    }

    private void checkClaims(JWTClaimsSet c) throws TokenRefusedException {
        long now = clockMs.getAsLong();
        long skewMs = settings.config().clockSkewSeconds * 1000L;
        if (!settings.issuer().equals(c.getIssuer())) {
            throw new TokenRefusedException("wrong_issuer", "token issuer '" + printable(c.getIssuer())
                    + "' is not the configured issuer '" + settings.issuer() + "'");
        }
        List<String> aud = c.getAudience();
        if (aud == null || !aud.contains(settings.audience())) {
            throw new TokenRefusedException("wrong_audience", "token audience " + (aud == null ? "[]" : aud.stream()
                    .map(OidcVerifier::printable).toList()) + " does not include '" + settings.audience() + "'");
        }
        Date exp = c.getExpirationTime();
        if (exp == null) {
            throw new TokenRefusedException("no_expiry", "token has no expiry (exp)");
        }
        if (now - skewMs >= exp.getTime()) {
            throw new TokenRefusedException("expired", "token expired at " + exp.toInstant());
        }
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && now + skewMs < nbf.getTime()) {
            throw new TokenRefusedException("not_yet_valid", "token is not valid before " + nbf.toInstant());
        }
        if (c.getSubject() == null || c.getSubject().isBlank()) {
            throw new TokenRefusedException("no_subject", "token has no subject (sub)");
        }
    }

    private Principal principal(JWTClaimsSet all) {
        OidcConfig c = settings.config();
        Set<String> roles = new LinkedHashSet<>(values(all, c.rolesClaim));
        Set<String> groups = new LinkedHashSet<>();
        for (String g : values(all, c.groupsClaim)) {
            groups.add(g.startsWith("/") ? g.substring(1) : g);
        }
        roles.addAll(groups);
        Set<String> operatorOf = new LinkedHashSet<>();
        Set<String> participantOf = new LinkedHashSet<>();
        for (String r : roles) {
            if (r.startsWith(c.operatorRolePrefix) && r.length() > c.operatorRolePrefix.length()) {
                operatorOf.add(r.substring(c.operatorRolePrefix.length()));
            }
            if (r.startsWith(c.participantRolePrefix) && r.length() > c.participantRolePrefix.length()) {
                participantOf.add(r.substring(c.participantRolePrefix.length()));
            }
        }
        List<String> user = values(all, c.usernameClaim);
        return new Principal(Principal.Kind.OIDC, all.getSubject(), user.isEmpty() ? "" : user.get(0),
                roles.contains(c.adminRole), operatorOf, participantOf, groups,
                all.getExpirationTime().getTime() + c.clockSkewSeconds * 1000L);
    }

    /** A claim's strings: an array of strings, or one string (split at spaces); dotted names reach into objects. */
    static List<String> values(JWTClaimsSet claims, String name) {
        Object v = claims.getClaims();
        for (String part : name.split("\\.")) {
            if (!(v instanceof Map)) {
                return List.of();
            }
            v = ((Map<?, ?>) v).get(part);
        }
        List<String> out = new ArrayList<>();
        if (v instanceof String) {
            for (String s : ((String) v).trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        } else if (v instanceof Collection) {
            for (Object o : (Collection<?>) v) {
                if (o instanceof String && !((String) o).isBlank()) {
                    out.add(((String) o).trim());
                }
            }
        }
        return out;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char ch = s.charAt(i);
            b.append(ch >= 32 && ch < 127 ? ch : '?');
        }
        return b.toString();
    }
}
