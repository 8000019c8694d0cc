package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/** Serves the dashboard page and its assets from the class path ({@code dashboard/}). */
final class StaticResourceHandler extends JsonHandler {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9]+)+");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png",
            "image/png");

    StaticResourceHandler(MeterRegistry registry) {
        super(registry);
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw methodNotAllowed(method, path, "GET");
        }
        String name;
        if (path.equals("/") || path.equals("/dashboard") || path.equals("/dashboard/")) {
            name = "index.html";
        } else if (path.startsWith("/dashboard/")) {
            name = path.substring("/dashboard/".length());
        } else {
            throw notFound(path);
        }
        if (!SAFE.matcher(name).matches()) {
            throw notFound(path);
        }
        try (InputStream in = StaticResourceHandler.class.getClassLoader().getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw notFound(path);
            }
            String ext = name.substring(name.lastIndexOf('.') + 1);
            HttpJson.sendBytes(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), in.readAllBytes());
        }
    }
}
