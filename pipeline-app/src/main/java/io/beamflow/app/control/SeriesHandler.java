package io.beamflow.app.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * {@code /api/series}: status (GET; the series named only to those who may read its beamtime), and start/stop/abort
 * (POST, an operator of this server's beamline).
 */
final class SeriesHandler extends JsonHandler {
    private static final Pattern SERIES_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final long MAX_FRAMES = 1_000_000_000L;
    private static final double MAX_RATE_HZ = 1_000_000;

    private final SeriesControl control;
    private final RequestAccess access;
    private final AuditLog audit;
    private final int maxRequestBytes;

    SeriesHandler(SeriesControl control, RequestAccess access, AuditLog audit, int maxRequestBytes,
            MeterRegistry registry) {
        super(registry, audit);
        this.control = control;
        this.access = access;
        this.audit = audit;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        String rest = path.substring("/api/series".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (!method.equals("GET")) {
                throw methodNotAllowed(method, path, "GET");
            }
            HttpJson.send(ex, 200, visible(control.status(), access.requireAuthenticated(ex), access));
            return;
        }
        String command = rest.substring(1);
        if (!command.equals("start") && !command.equals("stop") && !command.equals("abort")) {
            throw notFound(path);
        }
        if (!method.equals("POST")) {
            throw methodNotAllowed(method, path, "POST");
        }
        io.beamflow.app.control.auth.AccessPolicy policy = access.requireOperateHere(ex);
        JsonNode req = HttpJson.readObject(ex, maxRequestBytes);
        String seriesId = seriesId(req);
        String author = RequestAccess.author(policy, req.hasNonNull("author") ? req.get("author").asText() : "operator");
        SeriesStatus after;
        try {
            switch (command) {
                case "start":
                    after = control.start(new SeriesRequest(seriesId, frames(req), rate(req), author,
                            req.hasNonNull("metadata") ? req.get("metadata").toString() : ""));
                    break;
                case "stop":
                    after = control.stop(seriesId);
                    break;
                default:
                    after = control.abort(seriesId);
                    break;
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ApiException(409, "conflict", command + " refused: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw new ApiException(503, "unavailable", e.getMessage());
        }
        audit.record(new AuditEntry(System.currentTimeMillis(), author, "SERIES_" + command.toUpperCase(java.util.Locale.ROOT),
                -1, -1, req.hasNonNull("comment") ? req.get("comment").asText() : "", "series " + seriesId));
        HttpJson.send(ex, 200, after);
    }

    /**
     * @return the status as the sender may see it: a series of a beamtime it may not read is not named, nor counted
     */
    static SeriesStatus visible(SeriesStatus s, io.beamflow.app.control.auth.AccessPolicy policy, RequestAccess access) {
        if (s.seriesId() == null || s.seriesId().isEmpty() || policy.canRead(access.beamtimes().beamtimeOf(s.seriesId(), 0))) {
            return s;
        }
        return new SeriesStatus(s.state(), "", 0, 0, "");
    }

    private static String seriesId(JsonNode req) {
        JsonNode v = req.get("seriesId");
        if (v == null || !v.isTextual()) {
            throw new ApiException(400, "bad_request", "field 'seriesId' (string) is required");
        }
        if (!SERIES_ID.matcher(v.asText()).matches()) {
            throw new ApiException(400, "bad_request", "seriesId '" + v.asText()
                    + "' is invalid: use 1-64 letters, digits, '.', '_' or '-'");
        }
        return v.asText();
    }

    private static long frames(JsonNode req) {
        JsonNode v = req.get("frames");
        if (v == null || !v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > MAX_FRAMES) {
            throw new ApiException(400, "bad_request", "field 'frames' must be an integer from 1 to " + MAX_FRAMES);
        }
        return v.asLong();
    }

    private static double rate(JsonNode req) {
        JsonNode v = req.get("rateHz");
        if (v == null) {
            return 0;
        }
        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > MAX_RATE_HZ || Double.isNaN(v.asDouble())) {
            throw new ApiException(400, "bad_request", "field 'rateHz' must be a number from 0 to " + MAX_RATE_HZ);
        }
        return v.asDouble();
    }
}
