package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code /metrics}: Prometheus text exposition of every Beamflow meter. */
final class MetricsHandler extends JsonHandler {
    private final PrometheusMeterRegistry registry;

    MetricsHandler(PrometheusMeterRegistry registry) {
        super(registry);
        this.registry = registry;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw methodNotAllowed(method, path, "GET");
        }
        HttpJson.sendBytes(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
