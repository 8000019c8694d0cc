package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.reduce.rules.RuleCompiler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ControlApiTest {
    static final String TOKEN = "test-operator-token-7f3a";
    static final String GOOD_RULES = "{\"author\":\"alice\",\"comment\":\"hits only\",\"defaultAction\":\"VETO\","
            + "\"rules\":[{\"name\":\"hits\",\"expression\":\"peaks.count >= 15\",\"action\":\"KEEP\",\"prescale\":1}]}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private PrometheusMeterRegistry registry;
    private ControlServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RecordingSeriesControl series = new RecordingSeriesControl();

    /** Accepts start/stop/abort and remembers them (the real one drives the simulator or ingest node). */
    static final class RecordingSeriesControl implements SeriesControl {
        final List<String> calls = new ArrayList<>();
        private volatile SeriesStatus status = new SeriesStatus("IDLE", "", 0, 0, "");

        @Override
        public synchronized SeriesStatus start(SeriesRequest r) {
            if (status.state().equals("RUNNING")) {
                throw new IllegalStateException("series " + status.seriesId() + " is running");
            }
            calls.add("start " + r.seriesId() + " " + r.frames() + " " + r.rateHz());
            status = new SeriesStatus("RUNNING", r.seriesId(), 0, r.frames(), "");
            return status;
        }

        @Override
        public synchronized SeriesStatus stop(String id) {
            calls.add("stop " + id);
            status = new SeriesStatus("IDLE", id, 0, 0, "stopped");
            return status;
        }

        @Override
        public synchronized SeriesStatus abort(String id) {
            calls.add("abort " + id);
            status = new SeriesStatus("ABORTED", id, 0, 0, "aborted");
            return status;
        }

        @Override
        public SeriesStatus status() {
            return status;
        }
    }

    static BeamflowConfig config(Path dir, String token) {
        BeamflowConfig c = new BeamflowConfig();
        c.control.httpPort = 0;
        c.control.operatorToken = token;
        c.control.liveViewEndpoint = "";
        c.control.ruleStoreDirectory = dir.resolve("store").toString();
        c.control.maxRequestBytes = 64 * 1024;
        c.reduction.rulesDirectory = dir.resolve("rules").toString();
        return c;
    }

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = ControlServer.start(config(dir, TOKEN), registry, new RuleCompiler(), series);
    }

    @AfterEach
    void stop() {
        server.close();
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

    private double rejected(String reason) {
        Counter c = registry.find("beamflow.control.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void shouldRefuseUnauthenticatedRulePut() throws Exception {
        HttpResponse<String> r = send("PUT", "/api/rules", GOOD_RULES, null);
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains("operator token required"), r.body());
        HttpResponse<String> wrong = send("PUT", "/api/rules", GOOD_RULES, "guess");
        assertEquals(403, wrong.statusCode());
        assertEquals(1.0, rejected("unauthenticated"));
        assertEquals(1.0, rejected("forbidden"));
        assertEquals(0, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
        assertEquals(401, send("POST", "/api/rules/rollback", "{\"version\":0,\"author\":\"x\"}", null).statusCode());
        assertEquals(401, send("POST", "/api/series/start", "{\"seriesId\":\"s1\",\"frames\":10}", null).statusCode());
        assertTrue(series.calls.isEmpty());
    }

    @Test
    void shouldRefuseAllMutationsWhenNoTokenIsConfigured() throws Exception {
        server.close();
        server = ControlServer.start(config(dir, ""), registry, new RuleCompiler(), series);
        HttpResponse<String> r = send("PUT", "/api/rules", GOOD_RULES, "");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("no operator token is configured"), r.body());
        assertEquals(200, send("GET", "/api/rules", null, null).statusCode());
    }

    @Test
    void shouldRefuseMalformedJsonWithMessageNamingTheProblem() throws Exception {
        HttpResponse<String> r = send("PUT", "/api/rules", "{\"author\":\"alice\",\n\"rules\": [", TOKEN);
        assertEquals(400, r.statusCode());
        String error = JSON.readTree(r.body()).get("error").asText();
        assertTrue(error.contains("line 2"), error);
        HttpResponse<String> unknown = send("PUT", "/api/rules", "{\"author\":\"a\",\"rulez\":[]}", TOKEN);
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("rulez"), unknown.body());
        HttpResponse<String> badAction = send("PUT", "/api/rules",
                "{\"author\":\"a\",\"defaultAction\":\"MAYBE\",\"rules\":[]}", TOKEN);
        assertEquals(400, badAction.statusCode());
        assertTrue(badAction.body().contains("MAYBE"), badAction.body());
        assertEquals(400, send("PUT", "/api/rules", "", TOKEN).statusCode());
        assertEquals(400, send("POST", "/api/series/start", "[1,2]", TOKEN).statusCode());
        assertEquals(5.0, rejected("bad_json"));
        assertEquals(0, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
    }

    @Test
    void shouldRefuseInvalidRuleWith422AndKeepActiveVersion() throws Exception {
        assertEquals(201, send("PUT", "/api/rules", GOOD_RULES, TOKEN).statusCode());
        HttpResponse<String> r = send("PUT", "/api/rules", GOOD_RULES.replace("peaks.count >= 15", "bogus >= 15"),
                TOKEN);
        assertEquals(422, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.get("error").asText().contains("version 1 stays active"), r.body());
        JsonNode p = body.get("problems").get(0);
        assertEquals("hits", p.get("ruleName").asText());
        assertEquals(1, p.get("line").asInt());
        assertEquals(1, p.get("column").asInt());
        assertEquals(1, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
        JsonNode audit = JSON.readTree(send("GET", "/api/audit", null, null).body()).get("entries");
        assertEquals("REFUSED", audit.get(audit.size() - 1).get("action").asText());
    }

    @Test
    void shouldValidateWithoutActivating() throws Exception {
        HttpResponse<String> r = send("POST", "/api/rules/validate",
                GOOD_RULES.replace("peaks.count >= 15", "bogus >= 15"), null);
        assertEquals(200, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(false, body.get("valid").asBoolean());
        assertTrue(body.get("problems").get(0).get("message").asText().startsWith("unknown variable 'bogus'"), r.body());
        assertEquals(true, JSON.readTree(send("POST", "/api/rules/validate", GOOD_RULES, null).body())
                .get("valid").asBoolean());
        assertEquals(0, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
    }

    @Test
    void shouldActivateRuleWithinOneSecondAndRecordItInAuditLog() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = send("PUT", "/api/rules", GOOD_RULES, TOKEN);
        long activeVersion = RuleDocumentCodec.readActive(dir.resolve("rules")).version();
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(1, JSON.readTree(r.body()).get("version").asLong());
        assertEquals(1, activeVersion);
        assertTrue(elapsedMs < 1000, "activation took " + elapsedMs + " ms");
        JsonNode active = JSON.readTree(send("GET", "/api/rules/active", null, null).body());
        assertEquals("alice", active.get("author").asText());
        assertEquals("hits only", active.get("comment").asText());
        assertTrue(active.get("timestampMs").asLong() > 0);
        JsonNode list = JSON.readTree(send("GET", "/api/rules", null, null).body());
        assertEquals(1, list.get("active").asLong());
        assertEquals(2, list.get("versions").size());
        JsonNode audit = JSON.readTree(send("GET", "/api/audit?limit=5", null, null).body()).get("entries");
        JsonNode last = audit.get(audit.size() - 1);
        assertEquals("ACTIVATE", last.get("action").asText());
        assertEquals("alice", last.get("author").asText());
        assertEquals(1, last.get("version").asLong());
        assertEquals(0, last.get("fromVersion").asLong());
    }

    @Test
    void shouldRollBackToEarlierVersion() throws Exception {
        send("PUT", "/api/rules", GOOD_RULES, TOKEN);
        send("PUT", "/api/rules", GOOD_RULES.replace(">= 15", ">= 40"), TOKEN);
        HttpResponse<String> r = send("POST", "/api/rules/rollback",
                "{\"version\":1,\"author\":\"carol\",\"comment\":\"too strict\"}", TOKEN);
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(3, JSON.readTree(r.body()).get("version").asLong());
        assertEquals("peaks.count >= 15", RuleDocumentCodec.readActive(dir.resolve("rules")).rules().get(0).expression());
        assertEquals(404, send("POST", "/api/rules/rollback", "{\"version\":17,\"author\":\"carol\"}", TOKEN)
                .statusCode());
        assertEquals(400, send("POST", "/api/rules/rollback", "{\"version\":\"one\",\"author\":\"carol\"}", TOKEN)
                .statusCode());
        assertEquals(404, send("GET", "/api/rules/17", null, null).statusCode());
        assertEquals(400, send("GET", "/api/rules/seventeen", null, null).statusCode());
        assertEquals("peaks.count >= 40",
                JSON.readTree(send("GET", "/api/rules/2", null, null).body()).get("rules").get(0).get("expression")
                        .asText());
    }

    @Test
    void shouldValidateAndForwardSeriesCommands() throws Exception {
        HttpResponse<String> bad = send("POST", "/api/series/start", "{\"seriesId\":\"../etc\",\"frames\":10}", TOKEN);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("seriesId"), bad.body());
        assertEquals(400, send("POST", "/api/series/start", "{\"seriesId\":\"s1\",\"frames\":0}", TOKEN).statusCode());
        assertEquals(400, send("POST", "/api/series/start", "{\"seriesId\":\"s1\",\"frames\":5,\"rateHz\":-1}", TOKEN)
                .statusCode());
        HttpResponse<String> ok = send("POST", "/api/series/start",
                "{\"seriesId\":\"s1\",\"frames\":100,\"rateHz\":50,\"author\":\"op\"}", TOKEN);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("RUNNING", JSON.readTree(ok.body()).get("state").asText());
        assertEquals(409, send("POST", "/api/series/start", "{\"seriesId\":\"s2\",\"frames\":1}", TOKEN).statusCode());
        assertEquals(200, send("POST", "/api/series/abort", "{\"seriesId\":\"s1\"}", TOKEN).statusCode());
        assertEquals(List.of("start s1 100 50.0", "abort s1"), series.calls);
        assertEquals("ABORTED", JSON.readTree(send("GET", "/api/series", null, null).body()).get("state").asText());
        JsonNode audit = JSON.readTree(send("GET", "/api/audit", null, null).body()).get("entries");
        assertEquals("SERIES_ABORT", audit.get(audit.size() - 1).get("action").asText());
        assertEquals(404, send("POST", "/api/series/pause", "{\"seriesId\":\"s1\"}", TOKEN).statusCode());
    }

    @Test
    void shouldAnswerUnknownPathsMethodsAndOversizeBodiesWithClearErrors() throws Exception {
        assertEquals(404, send("GET", "/api/nothing", null, null).statusCode());
        HttpResponse<String> m = send("DELETE", "/api/rules", null, TOKEN);
        assertEquals(405, m.statusCode());
        assertTrue(m.body().contains("DELETE is not allowed"), m.body());
        String huge = "{\"author\":\"a\",\"comment\":\"" + "x".repeat(70 * 1024) + "\"}";
        HttpResponse<String> big = send("PUT", "/api/rules", huge, TOKEN);
        assertEquals(413, big.statusCode());
        assertTrue(big.body().contains("exceeds the limit"), big.body());
    }

    @Test
    void shouldExposeStatusAndPrometheusMetrics() throws Exception {
        registry.counter("beamflow.ingest.frames", "stream", "s0").increment(100);
        send("PUT", "/api/rules", GOOD_RULES, null);
        server.status().sample();
        registry.counter("beamflow.ingest.frames", "stream", "s0").increment(100);
        server.status().sample(); // a rate over the time between the samples (PipelineStatusReporterTest: exact)
        JsonNode s = JSON.readTree(send("GET", "/api/status", null, null).body());
        assertEquals(0, s.get("activeRuleVersion").asLong());
        JsonNode ingest = s.get("stages").get(0);
        assertEquals("ingest", ingest.get("stage").asText());
        assertTrue(ingest.get("framesPerSec").asDouble() > 0, s.toString());
        assertEquals("IDLE", s.get("series").get("state").asText());
        assertTrue(s.get("errors").has("control.rejected:unauthenticated"), s.toString());
        HttpResponse<String> metrics = send("GET", "/metrics", null, null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(metrics.body().contains("beamflow_ingest_frames_total{stream=\"s0\"} 200.0"), metrics.body());
        assertTrue(metrics.body().contains("beamflow_control_rejected_total{reason=\"unauthenticated\"} 1.0"));
    }

    @Test
    void shouldServeDashboardPage() throws Exception {
        HttpResponse<String> r = send("GET", "/", null, null);
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<canvas"), r.body());
        assertEquals(404, send("GET", "/dashboard/..%2Fsecret.txt", null, null).statusCode());
        URI events = server.url().resolve("/api/live/events");
        HttpResponse<java.io.InputStream> sse = http.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("text/event-stream; charset=utf-8", sse.headers().firstValue("Content-Type").orElse(""));
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(sse.body()))) {
            String line;
            boolean sawRules = false;
            while ((line = in.readLine()) != null && !sawRules) {
                sawRules = line.equals("event: rules");
            }
            assertTrue(sawRules);
        }
    }
}
