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

/**
 * Base of the API handlers: turns {@link ApiException}s into JSON errors and counts every refusal by
 * reason; refused requests that would change something (any method but GET/HEAD) are also recorded in
 * the audit log ({@code REFUSED_REQUEST}), at most {@link #AUDITED_REFUSALS_PER_MINUTE} a minute so that
 * a flood of them cannot fill the disk (the rest are counted in the next entry). A request that makes a
 * handler overflow its stack is answered 400, never kills the thread.
 */
abstract class JsonHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonHandler.class);
    /** Most refused requests recorded in the audit log per minute (per handler). */
    static final int AUDITED_REFUSALS_PER_MINUTE = 60;

    private final MeterRegistry registry;
    private final AuditLog audit;
    private long auditWindowStartMs;
    private int auditedInWindow;
    private long unaudited;

    JsonHandler(MeterRegistry registry) {
        this(registry, null);
    }

    /**
     * @param registry where refusals are counted
     * @param audit    where refused mutating requests are recorded, or {@code null}
     */
    JsonHandler(MeterRegistry registry, AuditLog audit) {
        this.registry = registry;
        this.audit = audit;
    }

    /** Handles the request; {@code path} is the request path. */
    abstract void serve(HttpExchange ex, String method, String path) throws IOException;

    @Override
    public final void handle(HttpExchange ex) throws IOException {
        try {
            serve(ex, ex.getRequestMethod(), ex.getRequestURI().getPath());
        } catch (ApiException e) {
            refuse(ex, e);
        } catch (StackOverflowError e) {
            LOG.warn("control API request {} {} nested too deeply: {}", ex.getRequestMethod(), ex.getRequestURI(),
                    e.toString());
            refuse(ex, new ApiException(400, "too_complex", "request is nested too deeply to process"));
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
        auditRefusal(ex, e);
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

    private void auditRefusal(HttpExchange ex, ApiException e) {
        String method = ex.getRequestMethod();
        if (audit == null || method.equals("GET") || method.equals("HEAD") || e.reason().equals("invalid_rules")) {
            return; // reads are not audited; a refused rule document is, by the rule store (REFUSED)
        }
        long now = System.currentTimeMillis();
        long suppressed;
        synchronized (this) {
            if (now - auditWindowStartMs >= 60_000) {
                auditWindowStartMs = now;
                auditedInWindow = 0;
            }
            if (auditedInWindow >= AUDITED_REFUSALS_PER_MINUTE) {
                unaudited++;
                return;
            }
            auditedInWindow++;
            suppressed = unaudited;
            unaudited = 0;
        }
        String from = ex.getRemoteAddress() == null ? "" : " from " + ex.getRemoteAddress().getAddress().getHostAddress();
        String detail = method + " " + ex.getRequestURI().getPath() + from + ": " + e.status() + " " + e.reason() + ": "
                + e.getMessage() + (suppressed > 0 ? " (" + suppressed + " earlier refusals not recorded)" : "");
        try {
            audit.record(new AuditEntry(now, "", "REFUSED_REQUEST", -1, -1, "",
                    detail.length() > 500 ? detail.substring(0, 500) + "..." : detail));
        } catch (RuntimeException io) {
            LOG.warn("cannot record a refused request in the audit log: {}", io.toString());
        }
    }

    static ApiException methodNotAllowed(String method, String path, String allowed) {
        return new ApiException(405, "method", method + " is not allowed on " + path + " (allowed: " + allowed + ")");
    }

    static ApiException notFound(String path) {
        return new ApiException(404, "not_found", "no such resource: " + path);
    }
}
