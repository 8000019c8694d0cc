package io.beamflow.app.control;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs before every handler of the control server. It answers 421 to a request whose {@code Host}
 * header names none of the server's names, so that a web page whose DNS name was re-bound to this
 * machine's address (DNS rebinding) cannot read the API from a browser; accepted are IP literals
 * (a rebinding attack needs a DNS name), {@code localhost}, and the names in
 * {@code control.allowedHosts}. Unless {@code control.remoteReads} is set, a read (GET/HEAD) from
 * another host than this one needs valid credentials, the operator token or an OIDC token (403 otherwise): the read endpoints stay on
 * loopback even when the server is bound to a public address for operators. It adds to every response
 * headers that forbid framing the dashboard (clickjacking) and loading anything from elsewhere
 * ({@code Content-Security-Policy}).
 */
final class HttpGuard extends Filter {
    /** Sent with every response. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Set<String> allowedHosts = new HashSet<>();
    private final MeterRegistry registry;
    private final boolean remoteReads;
    private final RequestAccess access;

    /**
     * @param configured  host names accepted besides IP literals and localhost ({@code control.allowedHosts})
     * @param remoteReads whether other hosts may read without the token ({@code control.remoteReads})
     * @param access      who a request comes from (the operator token, or an OIDC token)
     * @param registry    where refusals are counted
     */
    HttpGuard(List<String> configured, boolean remoteReads, RequestAccess access, MeterRegistry registry) {
        this.registry = registry;
        this.remoteReads = remoteReads;
        this.access = access;
        allowedHosts.add("localhost");
        if (configured != null) {
            for (String h : configured) {
                if (h != null && !h.isBlank()) {
                    allowedHosts.add(h.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    @Override
    public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("X-Frame-Options", "DENY");
        h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (!hostAllowed(host)) {
            refuse(ex, 421, "host", "Host '" + sanitize(host) + "' is not a name of this server; add it to "
                    + "control.allowedHosts");
            return;
        }
        String method = ex.getRequestMethod();
        InetAddress remote = ex.getRemoteAddress() == null ? null : ex.getRemoteAddress().getAddress();
        if ((method.equals("GET") || method.equals("HEAD")) && !readAllowed(remote) && !access.authenticatedQuietly(ex)) {
            refuse(ex, 403, "remote_read", "reads from other hosts need the operator token (or, with control.oidc, "
                    + "an access token) unless control.remoteReads is set");
            return;
        }
        chain.doFilter(ex);
    }

    /**
     * @param remote the client's address
     * @return whether it may read without the operator token
     */
    boolean readAllowed(InetAddress remote) {
        return remoteReads || (remote != null && remote.isLoopbackAddress());
    }

    private void refuse(HttpExchange ex, int status, String reason, String message) throws IOException {
        Counter.builder(MetricNames.CONTROL_REJECTED).tag("reason", reason)
                .description("control API requests refused").register(registry).increment();
        byte[] body = ("{\"status\":" + status + ",\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        try (ex) {
            drain(ex);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /**
     * @param hostHeader the request's Host header (host, optional port)
     * @return whether it names this server
     */
    boolean hostAllowed(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && isIpLiteral(host.substring(1, end)) && portOrNothing(host.substring(end + 1));
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            if (!portOrNothing(host.substring(colon))) {
                return false;
            }
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return allowedHosts.contains(host) || isIpLiteral(host);
    }

    private static boolean portOrNothing(String s) {
        if (s.isEmpty()) {
            return true;
        }
        if (s.charAt(0) != ':' || s.length() < 2 || s.length() > 6) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return whether {@code s} is a literal IPv4 (dotted quad) or IPv6 address; never resolves names */
    static boolean isIpLiteral(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
                if (!ok) {
                    return false;
                }
            }
        } else {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                    return false;
                }
            }
        }
        try {
            InetAddress.getByName(s); // a literal: parsed, not looked up
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String sanitize(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 && c != '"' && c != '\\' ? c : '?');
        }
        return sb.toString();
    }

    private static void drain(HttpExchange ex) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        try (var in = ex.getRequestBody()) {
            int n;
            while (total < (1 << 20) && (n = in.read(buf)) > 0) {
                total += n;
            }
        }
    }

    @Override
    public String description() {
        return "Host check (DNS rebinding) and security headers";
    }
}
