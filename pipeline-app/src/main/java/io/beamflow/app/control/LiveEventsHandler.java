package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;

/**
 * {@code /api/live/events}: the server-sent event stream the dashboard listens to; each client gets the events of the
 * beamtimes its sender may read (with OIDC, valid credentials are needed). A stream opened with an OIDC token ends
 * when the token expires (an {@code expired} event, then the end): the browser reconnects with a fresh one.
 */
final class LiveEventsHandler extends JsonHandler {
    private static final long KEEPALIVE_MS = 10_000;

    private final SseHub hub;
    private final RequestAccess access;
    private volatile boolean open = true;

    LiveEventsHandler(SseHub hub, RequestAccess access, MeterRegistry registry) {
        super(registry);
        this.hub = hub;
        this.access = access;
    }

    void shutdown() {
        open = false;
        hub.closeAll();
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw methodNotAllowed(method, path, "GET");
        }
        io.beamflow.app.control.auth.AccessPolicy policy = access.requireAuthenticated(ex);
        BlockingQueue<String> q = hub.register(policy::canRead);
        if (q == null) {
            throw new ApiException(503, "too_many_clients", "too many live-event clients connected");
        }
        try {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("X-Accel-Buffering", "no");
            ex.sendResponseHeaders(200, 0);
            OutputStream os = ex.getResponseBody();
            os.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            os.flush();
            long untilMs = policy.principal().expiresAtMs();
            while (open) {
                long leftMs = untilMs == 0 ? KEEPALIVE_MS : untilMs - System.currentTimeMillis();
                if (leftMs <= 0) {
                    os.write(SseHub.format("expired", "{\"reason\":\"token expired\"}").getBytes(StandardCharsets.UTF_8));
                    os.flush();
                    break;
                }
                String e = SseHub.poll(q, Math.min(KEEPALIVE_MS, leftMs));
                if (e == null && untilMs != 0 && System.currentTimeMillis() >= untilMs) {
                    continue; // expired while waiting: said above
                }
                if (SseHub.CLOSE.equals(e)) {
                    break;
                }
                os.write((e == null ? ": keepalive\n\n" : e).getBytes(StandardCharsets.UTF_8));
                os.flush();
            }
        } catch (IOException e) {
            // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hub.unregister(q);
        }
    }
}
