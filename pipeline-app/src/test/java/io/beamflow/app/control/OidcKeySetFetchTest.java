package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.app.control.auth.OidcSettings;
import io.beamflow.app.control.auth.OidcVerifier;
import io.beamflow.app.control.auth.Principal;
import io.beamflow.app.control.auth.TokenRefusedException;
import io.beamflow.core.config.OidcConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The key set is fetched with bounded size and time (an identity provider that sends too much or never answers is
 * "keys unavailable", not a hung request thread), and claims become roles as configured.
 */
@Timeout(30)
class OidcKeySetFetchTest {
    private TestIssuer idp;

    @BeforeEach
    void start() throws Exception {
        idp = new TestIssuer();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private OidcVerifier verifier(java.util.function.Consumer<OidcConfig> adjust) {
        OidcConfig o = new OidcConfig();
        o.issuer = TestIssuer.ISSUER;
        o.audience = TestIssuer.AUDIENCE;
        o.jwksUrl = idp.jwksUrl();
        adjust.accept(o);
        return new OidcVerifier(OidcSettings.of(o, "p11"));
    }

    @Test
    void shouldRefuseAKeySetLargerThanTheLimit() throws Exception {
        idp.serve("{\"keys\":[],\"padding\":\"" + "x".repeat(100_000) + "\"}");
        OidcVerifier v = verifier(o -> o.jwksMaxBytes = 64 * 1024);
        TokenRefusedException e = assertThrows(TokenRefusedException.class, () -> v.verify(idp.token(
                TestIssuer.claims("u-alice"))));
        assertTrue(e.keysUnavailable(), e.getMessage());
        assertEquals("jwks_unavailable", e.reason());
    }

    @Test
    void shouldGiveUpOnAnIdentityProviderThatNeverAnswers() throws Exception {
        idp.hang();
        OidcVerifier v = verifier(o -> o.jwksTimeoutMs = 300);
        TokenRefusedException e = assertThrows(TokenRefusedException.class, () -> v.verify(idp.token(
                TestIssuer.claims("u-alice"))));
        assertTrue(e.keysUnavailable(), e.getMessage());
        assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out"), e.getMessage());
    }

    @Test
    void shouldMapConfiguredClaimsToRoles() throws Exception {
        OidcVerifier v = verifier(o -> {
            o.rolesClaim = "realm_access.roles";
            o.usernameClaim = "uid";
        });
        Principal p = v.verify(idp.ecToken(TestIssuer.claims("u-carol").claim("uid", "carol")
                .claim("realm_access", Map.of("roles", List.of("beamflow-operator:p11", "beamflow-beamtime:11010002",
                        "beamflow-operator:")))
                .claim("roles", List.of("beamflow-admin")) // not the configured claim: ignored
                .claim("groups", "/bt1 bt2")));
        assertEquals(Principal.Kind.OIDC, p.kind());
        assertEquals("carol", p.username());
        assertEquals(java.util.Set.of("p11"), p.operatorOf());
        assertEquals(java.util.Set.of("11010002"), p.participantOf());
        assertEquals(java.util.Set.of("bt1", "bt2"), p.groups());
        assertEquals(false, p.admin());
    }
}
