package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /api/status}: the latest pipeline status sample. */
final class StatusHandler extends JsonHandler {
    private final Supplier<Map<String, Object>> status;

    StatusHandler(Supplier<Map<String, Object>> status, MeterRegistry registry) {
        super(registry);
        this.status = status;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw methodNotAllowed(method, path, "GET");
        }
        if (!path.equals("/api/status")) {
            throw notFound(path);
        }
        HttpJson.send(ex, 200, status.get());
    }
}
