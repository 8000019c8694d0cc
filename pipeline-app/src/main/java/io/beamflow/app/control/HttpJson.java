package io.beamflow.app.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Request and response helpers shared by the API handlers: bounded body reading, JSON in and out. */
final class HttpJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private HttpJson() {
    }

    /**
     * Refuses (415) a request body not declared {@code application/json}: a web page can send any site a
     * {@code text/plain} or form POST without asking, but not a JSON one (nor one with an
     * {@code Authorization} header), so this keeps pages from calling endpoints that need no token.
     */
    static void requireJson(HttpExchange ex) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim();
        if (!media.equalsIgnoreCase("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "request body must be sent as Content-Type: "
                    + "application/json" + (type == null ? "" : ", not '" + type + "'"));
        }
    }

    /**
     * Reads the request body, refusing more than {@code maxBytes} with 413. The excess is read and
     * discarded (up to a bound) so that the client, still sending, receives the error response.
     */
    static String readBody(HttpExchange ex, int maxBytes) throws IOException {
        String lengthHeader = ex.getRequestHeaders().getFirst("Content-Length");
        long declared = -1;
        if (lengthHeader != null) {
            try {
                declared = Long.parseLong(lengthHeader.trim());
            } catch (NumberFormatException e) {
                throw new ApiException(400, "bad_request", "bad Content-Length: " + lengthHeader);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        long drainLimit = 16L * maxBytes;
        try (InputStream in = ex.getRequestBody()) {
            int n;
            while (total <= drainLimit && (n = in.read(buf)) > 0) {
                total += n;
                if (total <= maxBytes && declared <= maxBytes) {
                    out.write(buf, 0, n);
                }
            }
        }
        if (total > maxBytes || declared > maxBytes) {
            throw new ApiException(413, "too_large", "request body of " + Math.max(total, declared)
                    + (total > drainLimit ? "+" : "") + " bytes exceeds the limit of " + maxBytes + " bytes");
        }
        if (out.size() == 0) {
            throw new ApiException(400, "bad_json", "request body is empty; a JSON object is expected");
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Parses a JSON object body, with 400 and the parser's location on failure. */
    static JsonNode readObject(HttpExchange ex, int maxBytes) throws IOException {
        String body = readBody(ex, maxBytes);
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw badJson(e);
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "bad_json", "request body must be a JSON object");
        }
        return node;
    }

    static ApiException badJson(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ApiException(400, "bad_json", "malformed JSON: " + e.getOriginalMessage() + where);
    }

    static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        sendBytes(ex, status, "application/json; charset=utf-8", bytes);
    }

    static void sendBytes(HttpExchange ex, int status, String contentType, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        } else {
            ex.close();
        }
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    static long parseLong(String value, String what) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", what + " must be an integer, got '" + value + "'");
        }
    }
}
