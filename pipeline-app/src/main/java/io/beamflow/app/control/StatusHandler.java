package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import io.beamflow.app.control.auth.AccessPolicy;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code /api/status}: the latest pipeline status sample; the current series is named only to those who may read
 * its beamtime (with OIDC, valid credentials are needed).
 */
final class StatusHandler extends JsonHandler {
    private final Function<AccessPolicy, Map<String, Object>> status;
    private final RequestAccess access;

    StatusHandler(Function<AccessPolicy, Map<String, Object>> status, RequestAccess access, MeterRegistry registry) {
        super(registry);
        this.status = status;
        this.access = access;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw methodNotAllowed(method, path, "GET");
        }
        if (!path.equals("/api/status")) {
            throw notFound(path);
        }
        HttpJson.send(ex, 200, status.apply(access.requireAuthenticated(ex)));
    }
}
