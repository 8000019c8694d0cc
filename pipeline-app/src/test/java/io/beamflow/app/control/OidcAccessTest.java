package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.beamflow.app.control.auth.OidcSettings;
import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.OidcConfig;
import io.beamflow.core.result.FrameResult;
import io.beamflow.reduce.rules.RuleCompiler;
import io.beamflow.sink.live.LiveViewPublisher;
import io.beamflow.sink.live.LiveViewSubscriber;
import io.beamflow.testing.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control server with OIDC configured, over real HTTP on port 0, with tokens signed by a test identity provider
 * whose key set is served on loopback: refused tokens (each with its reason and counter), roles (admin, operator of
 * a beamline, participant of a beamtime), what each sees of series, live images and events, rules and beamtimes, and
 * the static operator token as fallback.
 */
@Timeout(60)
class OidcAccessTest {
    static final String TOKEN = "static-operator-token-5c1e";
    static final String A = "11010001";
    static final String B = "11010002";
    static final String C = "21010001";

    @TempDir
    Path dir;

    private TestIssuer idp;
    private PrometheusMeterRegistry registry;
    private ControlServer server;
    private LiveViewPublisher publisher;
    private final ControlApiTest.RecordingSeriesControl series = new ControlApiTest.RecordingSeriesControl();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private BeamflowConfig config() {
        BeamflowConfig c = ControlApiTest.config(dir, TOKEN);
        c.sink.beamline = "p11";
        c.sink.beamtimeStore = dir.resolve("beamtimes.jsonl").toString();
        c.archive.catalogUrl = "jdbc:sqlite:" + dir.resolve("catalog.db");
        c.control.dashboardSubscribeEndpoint = publisher.boundEndpoint();
        OidcConfig o = c.control.oidc;
        o.issuer = TestIssuer.ISSUER;
        o.audience = TestIssuer.AUDIENCE;
        o.jwksUrl = idp.jwksUrl();
        o.clockSkewSeconds = 5;
        o.jwksMinRefreshSeconds = 0;
        return c;
    }

    @BeforeEach
    void start() throws Exception {
        idp = new TestIssuer();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BeamflowConfig withOidc = ControlApiTest.config(dir, TOKEN);
        withOidc.control.oidc.issuer = TestIssuer.ISSUER;
        // what the pipeline's job does with OIDC: the PUB socket lets in the dashboard and operator-token holders
        publisher = new LiveViewPublisher("tcp://127.0.0.1:*", 0, 64, false, LiveViewAccess.authenticator(withOidc),
                registry);
        BeamtimeStore store = new BeamtimeStore(dir.resolve("beamtimes.jsonl"));
        assertEquals(List.of(), store.open(new Beamtime(A, "p11", "PETRA III", "I-1", "alice", List.of("alice"), "bta",
                now.minus(3, ChronoUnit.HOURS).toString(), now.minus(1, ChronoUnit.HOURS).toString(), true, "", "")));
        assertEquals(List.of(), store.open(new Beamtime(B, "p11", "PETRA III", "I-2", "bob", List.of("bob", "erin"),
                "btb", now.minus(1, ChronoUnit.HOURS).toString(), now.plus(2, ChronoUnit.HOURS).toString(), false, "",
                "")));
        assertEquals(List.of(), store.open(new Beamtime(C, "p21", "PETRA III", "I-3", "zed", List.of(), "btc",
                now.minus(1, ChronoUnit.HOURS).toString(), now.plus(2, ChronoUnit.HOURS).toString(), false, "", "")));
        server = ControlServer.start(config(), registry, new RuleCompiler(), series);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        publisher.close();
        idp.close();
    }

    // --- tokens of the people in this test ---

    /** PI of beamtime A (by account name). */
    private String alice() throws Exception {
        return idp.token("u-alice", b -> b.claim("preferred_username", "alice"));
    }

    /** Participant of beamtime B by role; account name not in B. */
    private String bob() throws Exception {
        return idp.token("u-bob", b -> b.claim("preferred_username", "robert")
                .claim("roles", List.of("offline_access", "beamflow-beamtime:" + B)));
    }

    /** Participant of beamtime B by its Unix group (Keycloak writes groups with a leading '/'), EC-signed. */
    private String erin() throws Exception {
        return idp.ecToken(TestIssuer.claims("u-erin").claim("preferred_username", "erin-x")
                .claim("groups", List.of("/btb")));
    }

    /** Operator of p11. */
    private String carol() throws Exception {
        return idp.token("u-carol", b -> b.claim("preferred_username", "carol")
                .claim("roles", "beamflow-operator:p11 offline_access"));
    }

    /** Operator of p21. */
    private String dave() throws Exception {
        return idp.token("u-dave", b -> b.claim("preferred_username", "dave")
                .claim("roles", List.of("beamflow-operator:p21")));
    }

    /** Facility admin (by group). */
    private String admin() throws Exception {
        return idp.token("u-admin", b -> b.claim("groups", List.of("beamflow-admin")));
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private double tokenRejected(String reason) {
        Counter c = registry.find("beamflow.control.token.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private void assertRefused(String token, String reason) throws Exception {
        double before = tokenRejected(reason);
        HttpResponse<String> r = send("GET", "/api/series", null, token);
        assertEquals(401, r.statusCode(), reason + ": " + r.body());
        assertTrue(r.body().contains("bearer token refused (" + reason + ")"), r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
        assertEquals(before + 1, tokenRejected(reason), reason);
    }

    @Test
    void shouldRefuseBadTokensWith401AndTheReason() throws Exception {
        assertEquals(200, send("GET", "/api/series", null, alice()).statusCode(), "a good token passes");
        long nowMs = System.currentTimeMillis();
        assertRefused(idp.token("u-alice", b -> b.expirationTime(new Date(nowMs - 60_000))), "expired");
        assertRefused(idp.token("u-alice", b -> b.notBeforeTime(new Date(nowMs + 600_000))), "not_yet_valid");
        assertRefused(idp.token("u-alice", b -> b.audience("another-service")), "wrong_audience");
        assertRefused(idp.token("u-alice", b -> b.issuer("https://evil.example/realms/users")), "wrong_issuer");
        assertRefused(idp.token("u-alice", b -> b.expirationTime(null)), "no_expiry");

        // tampered: alice's signed token with the claims of an admin
        String[] parts = alice().split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(TestIssuer.claims("u-alice")
                .claim("groups", List.of("beamflow-admin")).build().toString()) + "." + parts[2];
        assertRefused(forged, "bad_signature");

        // signed with a key the issuer never published
        RSAKey ghost = new RSAKeyGenerator(2048).keyID("ghost").generate();
        assertRefused(TestIssuer.sign(JWSAlgorithm.RS256, ghost, new RSASSASigner(ghost),
                TestIssuer.claims("u-alice").build()), "unknown_kid");
        // the published kid, but a key of its own: the signature does not verify
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertRefused(TestIssuer.sign(JWSAlgorithm.RS256, impostor, new RSASSASigner(impostor),
                TestIssuer.claims("u-alice").build()), "bad_signature");

        assertRefused(new PlainJWT(TestIssuer.claims("u-alice").claim("groups", List.of("beamflow-admin")).build())
                .serialize(), "alg_none");
        // HS256 "signed" with the issuer's public key as the HMAC secret (the classic key-confusion forgery)
        assertRefused(TestIssuer.sign(JWSAlgorithm.HS256, idp.rsa, new MACSigner(idp.rsa.toRSAPublicKey().getEncoded()),
                TestIssuer.claims("u-alice").claim("groups", List.of("beamflow-admin")).build()), "alg_not_allowed");
        assertRefused("not-a-jwt-and-not-the-operator-token", "malformed");
        assertEquals(11.0, registry.find("beamflow.control.rejected").tag("reason", "invalid_token").counter().count());
    }

    @Test
    void shouldCacheTheKeySetAndFetchItAgainForANewKid() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, send("GET", "/api/series", null, i % 2 == 0 ? alice() : erin()).statusCode());
        }
        assertEquals(1, idp.fetches.get(), "RSA and EC keys come from one cached fetch");
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        idp.publish(rotated);
        String token = TestIssuer.sign(JWSAlgorithm.RS256, rotated, new RSASSASigner(rotated),
                TestIssuer.claims("u-carol").claim("roles", List.of("beamflow-operator:p11")).build());
        assertEquals(201, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, token).statusCode());
        assertEquals(2, idp.fetches.get(), "an unknown kid fetches the key set again");
    }

    @Test
    void shouldShowAnonymousRequestsNoDataWhenOidcIsConfigured() throws Exception {
        for (String path : List.of("/api/series", "/api/status", "/api/live/image", "/api/live/events", "/api/rules",
                "/api/rules/active", "/api/rules/0", "/api/audit", "/api/beamtimes")) {
            HttpResponse<String> r = send("GET", path, null, null);
            assertEquals(401, r.statusCode(), path + " " + r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent(), path);
        }
        assertEquals(401, send("POST", "/api/rules/validate", ControlApiTest.GOOD_RULES, null).statusCode());
        assertEquals(401, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, null).statusCode());
        HttpResponse<String> page = send("GET", "/", null, null);
        assertEquals(200, page.statusCode(), "the dashboard page itself holds no data");
        assertTrue(page.body().contains("<html") || page.body().contains("<!DOCTYPE"), page.body());
        assertEquals(200, send("GET", "/metrics", null, null).statusCode(), "counters only, on loopback");
    }

    @Test
    void shouldLetOnlyOperatorsOfThisBeamlineChangeRulesAndSeries() throws Exception {
        assertEquals(201, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, carol()).statusCode());
        HttpResponse<String> other = send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, dave());
        assertEquals(403, other.statusCode(), other.body());
        assertTrue(other.body().contains("oidc:dave does not operate beamline p11"), other.body());
        assertEquals(403, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, bob()).statusCode(), "a participant");
        assertEquals(403, send("POST", "/api/rules/rollback", "{\"version\":0,\"author\":\"d\"}", dave()).statusCode());
        assertEquals(201, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, admin()).statusCode());
        assertEquals(201, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, TOKEN).statusCode(),
                "the static operator token still works");
        assertEquals(403, send("POST", "/api/series/start", "{\"seriesId\":\"sX\",\"frames\":5}", dave()).statusCode());
        assertEquals(200, send("POST", "/api/series/start", "{\"seriesId\":\"sB\",\"frames\":5}", carol()).statusCode());
        assertEquals(List.of("start sB 5 0.0"), series.calls);
        HttpResponse<String> audit = send("GET", "/api/audit", null, carol());
        assertEquals(200, audit.statusCode());
        List<String> activations = new ArrayList<>();
        json(audit).get("entries").forEach(e -> {
            if (e.get("action").asText().equals("ACTIVATE")) {
                activations.add(e.get("author").asText());
            }
        });
        assertEquals(List.of("oidc:carol", "oidc:u-admin", "alice"), activations,
                "an OIDC token's account is recorded, not the document's author (alice)");
        assertEquals(403, send("GET", "/api/audit", null, bob()).statusCode(), "the audit log is the operators'");

        // beamtimes: an operator of p21 closes p21's, not p11's (which it cannot even see)
        assertEquals(404, send("POST", "/api/beamtimes/" + B + "/close", "{\"author\":\"dave\"}", dave()).statusCode());
        assertEquals(200, send("POST", "/api/beamtimes/" + C + "/close", "{\"author\":\"dave\"}", dave()).statusCode());
        assertEquals(403, send("POST", "/api/beamtimes", "{\"author\":\"dave\",\"id\":\"21010009\",\"beamline\":\"p11\"}",
                dave()).statusCode(), "opening a beamtime on another's beamline");
    }

    @Test
    void shouldShowAParticipantOnlyTheirBeamtime() throws Exception {
        // beamtimes
        assertEquals(List.of(A), ids(send("GET", "/api/beamtimes", null, alice())));
        assertEquals(List.of(B), ids(send("GET", "/api/beamtimes", null, bob())));
        assertEquals(List.of(B), ids(send("GET", "/api/beamtimes", null, erin())));
        assertEquals(List.of(A, B), ids(send("GET", "/api/beamtimes", null, carol())));
        assertEquals(List.of(A, B, C), ids(send("GET", "/api/beamtimes", null, admin())));
        assertEquals(List.of(A, B, C), ids(send("GET", "/api/beamtimes", null, TOKEN)));
        assertEquals(404, send("GET", "/api/beamtimes/" + B, null, alice()).statusCode());
        assertEquals(200, send("GET", "/api/beamtimes/" + A, null, alice()).statusCode());
        // the catalog of a beamtime's series: the same check
        HttpResponse<String> catalog = send("GET", "/api/beamtimes/" + A + "/series", null, alice());
        assertEquals(200, catalog.statusCode(), catalog.body());
        assertEquals(A, json(catalog).get("beamtime").asText());
        assertEquals(200, send("GET", "/api/beamtimes/" + A + "/series", null, carol()).statusCode());
        assertEquals(404, send("GET", "/api/beamtimes/" + A + "/series", null, bob()).statusCode());
        assertEquals(404, send("GET", "/api/beamtimes/" + A + "/series", null, dave()).statusCode());
        assertEquals(401, send("GET", "/api/beamtimes/" + A + "/series", null, null).statusCode());

        // rules: version 1 was made during B; A had ended by then
        assertEquals(201, send("PUT", "/api/rules", ControlApiTest.GOOD_RULES, carol()).statusCode());
        assertEquals(List.of(0L), versions(send("GET", "/api/rules", null, alice())));
        assertEquals(List.of(0L, 1L), versions(send("GET", "/api/rules", null, bob())));
        assertEquals(403, send("GET", "/api/rules/1", null, alice()).statusCode());
        assertEquals(403, send("GET", "/api/rules/active", null, alice()).statusCode());
        assertEquals(200, send("GET", "/api/rules/active", null, erin()).statusCode());

        // the series running now belongs to B: named to B's people only
        assertEquals(200, send("POST", "/api/series/start", "{\"seriesId\":\"sB\",\"frames\":5}", TOKEN).statusCode());
        assertEquals("sB", json(send("GET", "/api/series", null, bob())).get("seriesId").asText());
        assertEquals("", json(send("GET", "/api/series", null, alice())).get("seriesId").asText());
        String erin = erin();
        Await.until("the status sample names sB", () -> {
            try {
                return "sB".equals(json(send("GET", "/api/status", null, erin)).get("series").get("seriesId").asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode aliceStatus = json(send("GET", "/api/status", null, alice())).get("series");
        assertEquals("RUNNING", aliceStatus.get("state").asText());
        assertEquals("", aliceStatus.get("seriesId").asText());

        // live images: series sA started during A, sB now (during B); sB's frame is the newest
        Instant startA = now.minus(2, ChronoUnit.HOURS);
        Await.until("the dashboard has images of both series", () -> {
            publish("sA", startA, 3);
            publish("sB", now, 7);
            try {
                return "sB".equals(send("GET", "/api/live/image", null, admin()).headers().firstValue("X-Series-Id")
                        .orElse("")) && "sA".equals(send("GET", "/api/live/image", null, alice()).headers()
                        .firstValue("X-Series-Id").orElse(""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the raw PUB stream (every beamtime) lets in the operator token, not anonymous subscribers
        try (LiveViewSubscriber anonymous = new LiveViewSubscriber(publisher.boundEndpoint(), m -> { });
                LiveViewSubscriber operator = new LiveViewSubscriber(publisher.boundEndpoint(), m -> { },
                        LiveViewAccess.OPERATOR_USER, TOKEN)) {
            Await.until("the operator-token subscriber receives", () -> {
                publish("sB", now, 7);
                return operator.received() >= 4;
            });
            assertEquals(0, anonymous.received());
        }
        HttpResponse<String> img = send("GET", "/api/live/image", null, alice());
        assertEquals(200, img.statusCode());
        assertEquals("3", img.headers().firstValue("X-Frame-Number").orElse(""));
        assertEquals("sB", send("GET", "/api/live/image", null, bob()).headers().firstValue("X-Series-Id").orElse(""));
        assertEquals("sB", send("GET", "/api/live/image", null, carol()).headers().firstValue("X-Series-Id").orElse(""));
        assertEquals(204, send("GET", "/api/live/image", null, dave()).statusCode(), "nothing of p21 on this server");

        // live events: alice's stream carries sA's frames and nothing of sB, though sB's come first
        HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(server.url().resolve("/api/live/events"))
                .header("Authorization", "Bearer " + alice()).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        List<String> seen = new ArrayList<>();
        Iterator<String> lines = events.body().iterator();
        publish("sB", now, 8);
        publish("sA", startA, 4);
        while (true) {
            String line = lines.next();
            seen.add(line);
            if (line.contains("\"series\":\"sA\",\"frame\":4")) {
                break;
            }
        }
        events.body().close();
        assertFalse(String.join("\n", seen).contains("sB"), String.join("\n", seen));
        assertTrue(String.join("\n", seen).contains("event: status"), "the greeting's status, without the series");
    }

    private void publish(String seriesId, Instant started, long frame) {
        FrameResult s = FrameResult.seriesStart(seriesId, "{}");
        s.receiveTimeNs = started.toEpochMilli() * 1_000_000L;
        publisher.offer(s);
        FrameResult f = new FrameResult();
        f.kind = FrameResult.Kind.FRAME;
        f.seriesId = seriesId;
        f.frameNumber = frame;
        f.width = 8;
        f.height = 8;
        f.pixels = new byte[8 * 8 * 2];
        f.receiveTimeNs = s.receiveTimeNs + 1_000_000L;
        publisher.offer(f);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return ControlApiTest.JSON.readTree(r.body());
    }

    private static List<String> ids(HttpResponse<String> r) throws Exception {
        List<String> ids = new ArrayList<>();
        json(r).get("beamtimes").forEach(b -> ids.add(b.get("id").asText()));
        return ids;
    }

    private static List<Long> versions(HttpResponse<String> r) throws Exception {
        List<Long> v = new ArrayList<>();
        json(r).get("versions").forEach(d -> v.add(d.get("version").asLong()));
        return v;
    }

    @Test
    void shouldIssueLiveViewTicketsToThisBeamlinesOperatorsOnlyAndAdmitThemToTheStream() throws Exception {
        assertEquals(401, send("POST", "/api/live/ticket", "", null).statusCode(), "anonymous");
        assertEquals(403, send("POST", "/api/live/ticket", "", bob()).statusCode(), "a participant: every beamtime");
        assertEquals(403, send("POST", "/api/live/ticket", "", dave()).statusCode(), "an operator of another beamline");
        assertEquals(405, send("GET", "/api/live/ticket", null, carol()).statusCode());
        HttpResponse<String> r = send("POST", "/api/live/ticket", "", carol());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode t = json(r);
        assertEquals("ticket", t.get("username").asText());
        String ticket = t.get("password").asText();
        assertTrue(ticket.length() <= 255, "fits ZMTP PLAIN: " + ticket.length());
        assertTrue(ticket.contains(".oidc:carol."), ticket);
        // the ticket lets a subscriber into the PUB socket; a tampered one does not
        String tampered = ticket.replace("carol", "carox");
        try (LiveViewSubscriber holder = new LiveViewSubscriber(publisher.boundEndpoint(), m -> { }, "ticket", ticket);
                LiveViewSubscriber forger = new LiveViewSubscriber(publisher.boundEndpoint(), m -> { }, "ticket",
                        tampered)) {
            Await.until("the ticket holder receives", () -> {
                publish("sB", now, 7);
                return holder.received() >= 4;
            });
            assertEquals(0, forger.received());
        }
        assertEquals(200, send("POST", "/api/live/ticket", "", admin()).statusCode(), "a facility admin");
    }

    @Test
    void shouldEndALiveEventStreamWhenItsTokenExpires() throws Exception {
        server.close();
        BeamflowConfig c = config();
        c.control.oidc.clockSkewSeconds = 0;
        server = ControlServer.start(c, registry, new RuleCompiler(), series);
        String shortLived = idp.token("u-bob", b -> b.claim("roles", List.of("beamflow-beamtime:" + B))
                .expirationTime(new Date(System.currentTimeMillis() + 2500)));
        HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(server.url().resolve("/api/live/events"))
                .header("Authorization", "Bearer " + shortLived).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        List<String> lines = new ArrayList<>();
        events.body().forEach(lines::add); // returns when the server ends the stream
        assertTrue(lines.contains("event: history"), "it was open: " + lines);
        assertTrue(lines.contains("event: expired"), String.join("\n", lines));
        assertEquals(401, send("GET", "/api/live/events", null, shortLived).statusCode());
    }

    @Test
    void shouldAnswer503WhenTheIssuersKeysCannotBeFetched() throws Exception {
        idp.serve("{\"keys\":[],\"padding\":\"" + "x".repeat(100_000) + "\"}");
        HttpResponse<String> r = send("GET", "/api/series", null, alice());
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("the issuer's keys cannot be fetched"), r.body());
        assertEquals(200, send("GET", "/api/series", null, TOKEN).statusCode(), "the operator token needs no keys");
    }

    @Test
    void shouldRefuseWrongOidcSettingsBeforeStarting() {
        OidcConfig o = new OidcConfig();
        o.issuer = "http://login.facility.example/realms/users";
        o.audience = "";
        o.jwksUrl = "http://login.facility.example/jwks";
        o.algorithms = List.of("RS256", "HS256");
        o.clockSkewSeconds = 3600;
        List<String> keys = OidcSettings.problems(o, "").stream().map(OidcSettings.Problem::key).toList();
        assertEquals(List.of("control.oidc.issuer", "control.oidc.audience", "control.oidc.jwksUrl",
                "control.oidc.algorithms", "control.oidc.clockSkewSeconds", "sink.beamline"), keys);
        server.close();
        BeamflowConfig c = config();
        c.control.oidc.algorithms = List.of("none");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControlServer.start(c, registry, new RuleCompiler(), series));
        assertTrue(e.getMessage().contains("control.oidc.algorithms has 'none'"), e.getMessage());
        server = null;
        o.issuer = "";
        assertEquals(List.of(), OidcSettings.problems(o, ""), "OIDC off: nothing to check");
    }
}
