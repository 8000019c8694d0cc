package io.beamflow.app.control;

import com.sun.net.httpserver.HttpExchange;
import io.beamflow.app.control.auth.AccessPolicy;
import io.beamflow.sink.live.LiveViewTickets;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /api/live/ticket}: with OIDC, a short-lived ticket for the ZeroMQ live view (PLAIN user
 * {@value LiveViewTickets#TICKET_USER}, the ticket as password), for whoever operates this beamline or is a facility
 * admin: the stream carries every series of the beamline, so participants of one beamtime watch through the
 * dashboard's filtered endpoints instead.
 */
final class LiveTicketHandler extends JsonHandler {
    /** How long a ticket admits new connections (an established subscription stays). */
    static final long TICKET_TTL_S = 300;

    private final RequestAccess access;
    private final PrivateKey key;
    private final String endpoint;
    private final Clock clock;

    LiveTicketHandler(RequestAccess access, PrivateKey key, String endpoint, Clock clock, MeterRegistry registry) {
        super(registry);
        this.access = access;
        this.key = key;
        this.endpoint = endpoint == null ? "" : endpoint;
        this.clock = clock;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (!method.equals("POST")) {
            throw methodNotAllowed(method, path, "POST");
        }
        if (!access.oidc() || key == null) {
            throw new ApiException(404, "not_found", "live-view tickets exist only with control.oidc; without it the "
                    + "live view takes every subscriber that can connect");
        }
        AccessPolicy p = access.requireOperate(ex, access.policy(ex).serverBeamline());
        long expiry = clock.instant().getEpochSecond() + TICKET_TTL_S;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", LiveViewTickets.TICKET_USER);
        body.put("password", LiveViewTickets.issue(key, p.principal().describe(), expiry));
        body.put("expiresAt", Instant.ofEpochSecond(expiry).toString());
        body.put("endpoint", endpoint);
        HttpJson.send(ex, 200, body);
    }
}
