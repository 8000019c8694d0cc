package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.reduce.rules.RuleCompiler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control server against what a hostile web page, a DNS-rebinding page or a careless client can
 * send, over raw HTTP/1.1 on loopback (so that Host and Content-Type are exactly what a browser could
 * send): cross-site simple POSTs, foreign Host names, deeply nested documents, catastrophic regular
 * expressions. Every response carries the anti-framing and content-security headers.
 */
@Timeout(120)
class ControlAbuseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ControlServer server;
    private PrometheusMeterRegistry registry;

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        io.beamflow.core.config.BeamflowConfig c = ControlApiTest.config(dir, ControlApiTest.TOKEN);
        c.control.allowedHosts = List.of("beamline-7.example.org");
        server = ControlServer.start(c, registry, new RuleCompiler(), SeriesControl.NONE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A response read off the wire: status, headers (lower-case names) and body. */
    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Response raw(String method, String path, String host, String contentType, String body) throws IOException {
        return raw(server.url().getHost(), method, path, host, contentType, body, null);
    }

    private Response raw(String connectTo, String method, String path, String host, String contentType, String body,
            String token) throws IOException {
        URI url = server.url();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        if (host != null) {
            req.append("Host: ").append(host).append("\r\n");
        }
        if (contentType != null) {
            req.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (token != null) {
            req.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        req.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
        try (Socket s = new Socket(connectTo, url.getPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String responseBody = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                responseBody = dechunk(responseBody);
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, responseBody);
        }
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            int n = Integer.parseInt(s.substring(i, eol).trim(), 16);
            if (n == 0) {
                break;
            }
            out.append(s, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
        return out.toString();
    }

    private String local() {
        return "127.0.0.1:" + server.url().getPort();
    }

    private static String rules(String expression) {
        return "{\"author\":\"mallory\",\"defaultAction\":\"KEEP\",\"rules\":[{\"name\":\"r\",\"expression\":"
                + JSON.valueToTree(expression) + ",\"action\":\"VETO\",\"prescale\":1}]}";
    }

    private JsonNode audit() throws IOException {
        return raw("GET", "/api/audit", local(), null, null).json().get("entries");
    }

    @Test
    void shouldRefuseACrossSiteSimplePostToValidateAndAuditIt() throws IOException {
        String good = rules("peaks.count >= 10");
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            Response r = raw("POST", "/api/rules/validate", local(), type, good);
            assertEquals(415, r.status(), r.body());
        }
        assertEquals(415, raw("POST", "/api/rules/validate", local(), null, good).status());
        Response json = raw("POST", "/api/rules/validate", local(), "application/json; charset=UTF-8", good);
        assertEquals(200, json.status(), json.body());
        assertTrue(json.json().get("valid").asBoolean());
        JsonNode entries = audit();
        assertEquals(4, entries.size(), entries.toString());
        assertEquals("REFUSED_REQUEST", entries.get(0).get("action").asText());
        assertTrue(entries.get(0).get("detail").asText().contains("415"), entries.toString());
    }

    @Test
    void shouldRefuseAForeignHostNameAsDnsRebindingAndAcceptItsOwnNames() throws IOException {
        int port = server.url().getPort();
        for (String host : new String[] {"evil.example.com:" + port, "evil.example.com", "127.0.0.1.evil.example:" + port,
                "localhost.evil.example", "", "localhost:80x", "[::1:" + port}) {
            Response r = raw("GET", "/api/rules", host, null, null);
            assertEquals(421, r.status(), host + ": " + r.body());
            assertFalse(r.body().contains("versions"), r.body());
        }
        assertEquals(421, raw("POST", "/api/rules/validate", "evil.example.com", "application/json",
                rules("sum > 0")).status());
        assertEquals(421, raw("GET", "/api/rules", null, null, null).status(), "no Host header");
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port,
                "beamline-7.example.org:" + port, "10.1.2.3"}) {
            assertEquals(200, raw("GET", "/api/rules", host, null, null).status(), host);
        }
        assertTrue(registry.get("beamflow.control.rejected").tag("reason", "host").counter().count() >= 9);
    }

    @Test
    void shouldSendAntiFramingAndContentSecurityHeadersOnEveryResponse() throws IOException {
        List<Response> responses = List.of(raw("GET", "/", local(), null, null),
                raw("GET", "/dashboard/app.js", local(), null, null), raw("GET", "/api/status", local(), null, null),
                raw("GET", "/metrics", local(), null, null), raw("GET", "/api/nothing", local(), null, null),
                raw("GET", "/api/rules", "evil.example", null, null),
                raw("PUT", "/api/rules", local(), "application/json", rules("sum > 0")));
        for (Response r : responses) {
            assertEquals("DENY", r.headers().get("x-frame-options"), r.status() + " " + r.headers());
            String csp = r.headers().getOrDefault("content-security-policy", "");
            assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), csp);
            assertEquals("nosniff", r.headers().get("x-content-type-options"));
        }
    }

    @Test
    void shouldAnswerDeeplyNestedRulesAndDocumentsWith400Or422AndKeepServing() throws IOException {
        String deepExpression = "(".repeat(2000) + "1" + ")".repeat(2000) + " > 0";
        Response v = raw("POST", "/api/rules/validate", local(), "application/json", rules(deepExpression));
        assertEquals(200, v.status(), v.body());
        assertFalse(v.json().get("valid").asBoolean());
        assertTrue(v.json().get("problems").get(0).get("message").asText().contains("deep"), v.body());
        Response put = raw("PUT", "/api/rules", local(), "application/json", rules(deepExpression));
        assertEquals(401, put.status(), "no token: refused before parsing");
        String deepJson = "[".repeat(5000) + "]".repeat(5000);
        Response j = raw("POST", "/api/rules/validate", local(), "application/json", deepJson);
        assertEquals(400, j.status(), j.body());
        Response bad = raw("POST", "/api/rules/validate", local(), "application/json",
                "{\"author\":\"x\",\"rules\":[{\"name\":\"\\ud800\",\"expression\":\"\u0000\"}]} \u00ff");
        assertTrue(bad.status() == 400 || bad.status() == 200, bad.status() + " " + bad.body());
        byte[] notUtf8 = {'{', '"', 'a', (byte) 0xC3, '"', ':', '1', '}'};
        Response utf = raw("POST", "/api/rules/validate", local(), "application/json",
                new String(notUtf8, StandardCharsets.ISO_8859_1));
        assertTrue(utf.status() == 400, utf.status() + " " + utf.body());
        // the request threads survived: the server still answers
        assertEquals(200, raw("GET", "/api/rules", local(), null, null).status());
        assertEquals(0, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
    }

    @Test
    void shouldKeepReadsOnLoopbackUnlessRemoteReadsAreConfigured() throws IOException {
        RequestAccess auth = new RequestAccess(new OperatorAuth(ControlApiTest.TOKEN), null, "",
                new SeriesBeamtimes(null, ""), registry);
        HttpGuard closed = new HttpGuard(List.of(), false, auth, registry);
        assertTrue(closed.readAllowed(java.net.InetAddress.getByName("127.0.0.1")));
        assertTrue(closed.readAllowed(java.net.InetAddress.getByName("::1")));
        assertFalse(closed.readAllowed(java.net.InetAddress.getByName("192.0.2.7")));
        assertFalse(closed.readAllowed(java.net.InetAddress.getByName("2001:db8::7")));
        assertTrue(new HttpGuard(List.of(), true, auth, registry).readAllowed(java.net.InetAddress.getByName("192.0.2.7")));
        assertEquals("127.0.0.1", server.url().getHost(), "the server binds loopback by default");

        // bound to all interfaces, reached through this host's own non-loopback address
        java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(x -> x instanceof java.net.Inet4Address && !x.isLoopbackAddress()).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this host has no non-loopback IPv4 address");
        server.close();
        io.beamflow.core.config.BeamflowConfig c = ControlApiTest.config(dir, ControlApiTest.TOKEN);
        c.control.bindAddress = "0.0.0.0";
        server = ControlServer.start(c, registry, new RuleCompiler(), SeriesControl.NONE);
        String ip = external.getHostAddress();
        String hostHeader = ip + ":" + server.url().getPort();
        assertEquals(403, raw(ip, "GET", "/api/rules", hostHeader, null, null, null).status());
        assertEquals(403, raw(ip, "GET", "/metrics", hostHeader, null, null, null).status());
        assertEquals(200, raw(ip, "GET", "/api/rules", hostHeader, null, null, ControlApiTest.TOKEN).status());
        assertEquals(200, raw("127.0.0.1", "GET", "/api/rules", local(), null, null, null).status());
        server.close();
        c.control.remoteReads = true;
        server = ControlServer.start(c, registry, new RuleCompiler(), SeriesControl.NONE);
        assertEquals(200, raw(ip, "GET", "/api/rules", ip + ":" + server.url().getPort(), null, null, null).status());
    }

    @Test
    void shouldValidateACatastrophicRegexWithoutBacktracking() throws IOException {
        Response r = raw("POST", "/api/rules/validate", local(), "application/json",
                rules("'" + "a".repeat(59) + "!' =~ '(.*a){10}'"));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("valid").asBoolean(), r.body());
    }
}
