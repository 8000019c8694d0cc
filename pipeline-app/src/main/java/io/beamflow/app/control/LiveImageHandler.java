package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;

/**
 * {@code /api/live/image}: the newest live-view image as raw little-endian float32, row-major;
 * shape and identity in the {@code X-Image-*} headers; 204 before the first image. The newest image of a beamtime
 * the sender may read (with OIDC, valid credentials are needed).
 */
final class LiveImageHandler extends JsonHandler {
    private final DashboardFeed feed;
    private final RequestAccess access;

    LiveImageHandler(DashboardFeed feed, RequestAccess access, MeterRegistry registry) {
        super(registry);
        this.feed = feed;
        this.access = access;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw methodNotAllowed(method, path, "GET");
        }
        io.beamflow.app.control.auth.AccessPolicy policy = access.requireAuthenticated(ex);
        DashboardFeed.LatestImage img = feed.latestImage(policy::canRead);
        if (img == null) {
            HttpJson.sendBytes(ex, 204, "application/octet-stream", new byte[0]);
            return;
        }
        ex.getResponseHeaders().set("X-Image-Width", Integer.toString(img.width()));
        ex.getResponseHeaders().set("X-Image-Height", Integer.toString(img.height()));
        ex.getResponseHeaders().set("X-Image-Seq", Long.toString(img.seq()));
        ex.getResponseHeaders().set("X-Frame-Number", Long.toString(img.frame()));
        ex.getResponseHeaders().set("X-Series-Id", img.series());
        ex.getResponseHeaders().set("X-Image-Dtype", "float32");
        HttpJson.sendBytes(ex, 200, "application/octet-stream", img.bytes());
    }
}
