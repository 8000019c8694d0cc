package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Base of the API handlers: turns {@link ApiException}s into JSON errors and counts every refusal by reason. */
abstract class JsonHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonHandler.class);

    private final MeterRegistry registry;

    JsonHandler(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Handles the request; {@code path} is the request path. */
    abstract void serve(HttpExchange ex, String method, String path) throws IOException;

    @Override
    public final void handle(HttpExchange ex) throws IOException {
        try {
            serve(ex, ex.getRequestMethod(), ex.getRequestURI().getPath());
        } catch (ApiException e) {
            refuse(ex, e);
        } catch (RuntimeException e) {
            LOG.error("control API failure on {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
            refuse(ex, new ApiException(500, "internal", "internal error: " + e));
        } finally {
            ex.close();
        }
    }

    private void refuse(HttpExchange ex, ApiException e) throws IOException {
        Counter.builder(MetricNames.CONTROL_REJECTED).tag("reason", e.reason())
                .description("control API requests refused").register(registry).increment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", e.status());
        body.put("error", e.getMessage());
        if (e.details() != null) {
            body.put("problems", e.details());
        }
        try {
            HttpJson.send(ex, e.status(), body);
        } catch (IOException io) {
            LOG.debug("client went away before the error response: {}", io.toString());
        }
    }

    static ApiException methodNotAllowed(String method, String path, String allowed) {
        return new ApiException(405, "method", method + " is not allowed on " + path + " (allowed: " + allowed + ")");
    }

    static ApiException notFound(String path) {
        return new ApiException(404, "not_found", "no such resource: " + path);
    }
}
