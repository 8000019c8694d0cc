package io.beamflow.archive.target;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * A request without a body ({@code MOVE}, {@code HEAD}, {@code DELETE}) on a kept-alive connection of the
 * streamed PUT's {@link KeepAlivePool} (plain {@code http}): one round trip on an open socket, no client threads
 * in between; redirects followed with the same method and headers.
 */
final class BodylessRequest {
    private BodylessRequest() {
    }

    /**
     * @param pool          where connections come from and go back to
     * @param method        the method (no body is sent)
     * @param url           the resource ({@code http} only)
     * @param headers       extra request headers (names and values without line breaks)
     * @param authorization {@code Authorization} value, or null
     * @param timeoutMs     connect timeout and longest wait for the answer
     * @return the final answer's head (its body, if any, read and dropped)
     * @throws IOException when the server cannot be reached or answers malformed or not in time
     */
    static HttpConnection.Head send(KeepAlivePool pool, String method, URI url, Map<String, String> headers,
            String authorization, long timeoutMs) throws IOException {
        URI at = url;
        for (int hops = 0;; hops++) {
            HttpConnection.Head answer = once(pool, method, at, headers, authorization, timeoutMs);
            int s = answer.status();
            boolean redirect = s == 301 || s == 302 || s == 307 || s == 308;
            String location = answer.header("location");
            if (!redirect || location == null || hops >= HttpPutWriter.MAX_REDIRECTS) {
                return answer;
            }
            at = HttpPutWriter.resolve(at, location);
        }
    }

    private static HttpConnection.Head once(KeepAlivePool pool, String method, URI url, Map<String, String> headers,
            String authorization, long timeoutMs) throws IOException {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IOException(method + " " + url + ": only http:// URLs are sent this way");
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        String head = head(method, url, headers, authorization);
        for (int attempt = 0;; attempt++) {
            HttpConnection conn = pool.take(url.getHost(), port, timeoutMs);
            boolean reused = conn.requests() > 0;
            try {
                conn.requestBegun();
                conn.writeAscii(head, timeoutMs);
                HttpConnection.Head answer = conn.readHead(timeoutMs);
                while (answer.informational()) {
                    answer = conn.readHead(timeoutMs);
                }
                conn.discardBody(answer, method.equals("HEAD"), timeoutMs);
                pool.release(conn);
                return answer;
            } catch (IOException e) {
                conn.close();
                // a kept-alive connection the server closed before it answered: once more on a fresh one
                if (!reused || attempt > 0 || !(e instanceof EOFException || e instanceof java.net.SocketException)) {
                    throw new IOException(method + " " + url + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static String head(String method, URI url, Map<String, String> headers, String authorization) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        StringBuilder h = new StringBuilder(256)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost().contains(":") ? "[" + url.getHost() + "]" : url.getHost())
                .append(url.getPort() < 0 ? "" : ":" + url.getPort()).append("\r\n")
                .append("User-Agent: beamflow-archive\r\n");
        if (!method.equals("HEAD")) {
            h.append("Content-Length: 0\r\n");
        }
        headers.forEach((k, v) -> {
            if (k.chars().anyMatch(c -> c < 0x21 || c > 0x7e) || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("request header " + k + " has control characters");
            }
            h.append(k).append(": ").append(v).append("\r\n");
        });
        if (authorization != null) {
            h.append("Authorization: ").append(authorization).append("\r\n");
        }
        return h.append("\r\n").toString();
    }
}
