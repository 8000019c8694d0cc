package io.beamflow.app.control.auth;

import com.nimbusds.jose.JWSAlgorithm;
import io.beamflow.core.config.OidcConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code control.oidc}, checked: {@link #problems} names every wrong value with its key before anything starts.
 *
 * @param issuer           the issuer tokens must name
 * @param audience         the audience tokens must include
 * @param jwksUrl          the key set's URL
 * @param algorithms       accepted signature algorithms
 * @param config           the configuration it came from (claim names, timings)
 */
public record OidcSettings(String issuer, String audience, URL jwksUrl, Set<JWSAlgorithm> algorithms,
                           OidcConfig config) {
    /** Signature algorithms that may be accepted: public-key ones only. */
    static final Set<JWSAlgorithm> ASYMMETRIC = Set.copyOf(new LinkedHashSet<>(List.of(JWSAlgorithm.RS256,
            JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512)));

    /** One wrong value: the configuration key and what is wrong with it. */
    public record Problem(String key, String message) {
    }

    /**
     * @param c        {@code control.oidc}
     * @param beamline {@code sink.beamline}: operator roles name it, so it must be set with OIDC
     * @return every problem; empty when the settings can be used (or OIDC is off)
     */
    public static List<Problem> problems(OidcConfig c, String beamline) {
        List<Problem> p = new ArrayList<>();
        if (c == null || !c.enabled()) {
            return p;
        }
        String k = "control.oidc.";
        if (!c.issuer.trim().startsWith("https://") && !loopbackHttp(c.issuer.trim())) {
            p.add(new Problem(k + "issuer", "is '" + c.issuer + "'; allowed: an https:// URL (http:// only on loopback), "
                    + "exactly as the identity provider writes it in 'iss'"));
        }
        if (c.audience == null || c.audience.isBlank()) {
            p.add(new Problem(k + "audience", "is empty; give this Beamflow's client id at the identity provider "
                    + "(tokens must name it in 'aud')"));
        }
        String jwks = c.jwksUrl == null ? "" : c.jwksUrl.trim();
        if (!jwks.startsWith("https://") && !loopbackHttp(jwks)) {
            p.add(new Problem(k + "jwksUrl", "is '" + jwks + "'; allowed: an https:// URL (http:// only on loopback), "
                    + "e.g. the jwks_uri of the issuer's /.well-known/openid-configuration"));
        } else {
            try {
                new URI(jwks).toURL();
            } catch (URISyntaxException | IllegalArgumentException | java.net.MalformedURLException e) {
                p.add(new Problem(k + "jwksUrl", "is not a URL: " + e.getMessage()));
            }
        }
        if (c.algorithms == null || c.algorithms.isEmpty()) {
            p.add(new Problem(k + "algorithms", "is empty; allowed: " + names(ASYMMETRIC)));
        } else {
            for (String a : c.algorithms) {
                if (a == null || !ASYMMETRIC.contains(JWSAlgorithm.parse(a.trim()))) {
                    p.add(new Problem(k + "algorithms", "has '" + a + "'; allowed: " + names(ASYMMETRIC)
                            + " (HMAC and 'none' are never accepted: the key set is public)"));
                }
            }
        }
        for (String[] claim : new String[][] {{"usernameClaim", c.usernameClaim}, {"rolesClaim", c.rolesClaim},
                {"groupsClaim", c.groupsClaim}, {"adminRole", c.adminRole}, {"operatorRolePrefix", c.operatorRolePrefix},
                {"participantRolePrefix", c.participantRolePrefix}}) {
            if (claim[1] == null || claim[1].isBlank()) {
                p.add(new Problem(k + claim[0], "is empty"));
            }
        }
        if (c.clockSkewSeconds < 0 || c.clockSkewSeconds > 300) {
            p.add(new Problem(k + "clockSkewSeconds", "is " + c.clockSkewSeconds + "; allowed: 0 to 300"));
        }
        if (c.jwksCacheSeconds < 1 || c.jwksCacheSeconds > 86_400) {
            p.add(new Problem(k + "jwksCacheSeconds", "is " + c.jwksCacheSeconds + "; allowed: 1 to 86400"));
        }
        if (c.jwksMinRefreshSeconds < 0 || c.jwksMinRefreshSeconds > 3600) {
            p.add(new Problem(k + "jwksMinRefreshSeconds", "is " + c.jwksMinRefreshSeconds + "; allowed: 0 to 3600"));
        }
        if (c.jwksMinRefreshSeconds >= c.jwksCacheSeconds && c.jwksMinRefreshSeconds > 0) {
            p.add(new Problem(k + "jwksMinRefreshSeconds", "is " + c.jwksMinRefreshSeconds + "; allowed: less than "
                    + "control.oidc.jwksCacheSeconds (" + c.jwksCacheSeconds + ")"));
        }
        if (c.jwksTimeoutMs < 100 || c.jwksTimeoutMs > 60_000) {
            p.add(new Problem(k + "jwksTimeoutMs", "is " + c.jwksTimeoutMs + "; allowed: 100 to 60000"));
        }
        if (c.jwksMaxBytes < 1024 || c.jwksMaxBytes > 16 << 20) {
            p.add(new Problem(k + "jwksMaxBytes", "is " + c.jwksMaxBytes + "; allowed: 1024 to " + (16 << 20)));
        }
        if (beamline == null || beamline.isBlank()) {
            p.add(new Problem("sink.beamline", "is empty; with control.oidc set it names the beamline this server "
                    + "serves, which operator roles (" + c.operatorRolePrefix + "<beamline>) refer to"));
        }
        return p;
    }

    /**
     * @param c        {@code control.oidc} (enabled)
     * @param beamline {@code sink.beamline}
     * @return the checked settings
     * @throws IllegalArgumentException naming every problem
     */
    public static OidcSettings of(OidcConfig c, String beamline) {
        List<Problem> p = problems(c, beamline);
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p.stream().map(x -> x.key() + " " + x.message()).toList()));
        }
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        c.algorithms.forEach(a -> algs.add(JWSAlgorithm.parse(a.trim())));
        try {
            return new OidcSettings(c.issuer.trim(), c.audience.trim(), new URI(c.jwksUrl.trim()).toURL(), Set.copyOf(algs), c);
        } catch (URISyntaxException | java.net.MalformedURLException e) {
            throw new IllegalArgumentException("control.oidc.jwksUrl is not a URL: " + e.getMessage(), e);
        }
    }

    private static boolean loopbackHttp(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("http://")) {
            return false;
        }
        try {
            String host = new URI(url).getHost();
            if (host == null) {
                return false;
            }
            if (host.equalsIgnoreCase("localhost")) {
                return true;
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return (literal.indexOf(':') >= 0 || literal.matches("[0-9.]+"))
                    && InetAddress.getByName(literal).isLoopbackAddress(); // a literal: never looked up
        } catch (URISyntaxException | java.io.IOException e) {
            return false;
        }
    }

    private static String names(Set<JWSAlgorithm> algs) {
        List<String> n = new ArrayList<>();
        for (JWSAlgorithm a : ASYMMETRIC) {
            if (algs.contains(a)) {
                n.add(a.getName());
            }
        }
        return String.join(", ", n);
    }
}
