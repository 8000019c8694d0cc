package io.beamflow.archive.target;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;

/**
 * One streamed HTTP/1.1 {@code PUT} with a known length, written from the caller's buffers straight to the
 * socket (no copy in user space): {@code Expect: 100-continue} so a door can redirect (dCache's door answers
 * {@code 307} to the pool that stores the file) or refuse before the body is sent, redirects followed with the
 * same headers ({@code Authorization} included, the pool needs the same identity), connections kept alive in a
 * {@link KeepAlivePool}. Plain {@code http} only: TLS copies every byte anyway ({@code https} goes through
 * the JDK client).
 */
final class HttpPutWriter {
    /** Redirects followed at most (dCache: one, door to pool). */
    static final int MAX_REDIRECTS = 5;
    /** How long a body waits for {@code 100 Continue} before it is sent anyway (a server may ignore the expectation). */
    static final long CONTINUE_WAIT_MS = 1000;

    private final KeepAlivePool pool;
    private final String authorization;
    private final long timeoutMs;
    private final long size;
    private URI url;
    private HttpConnection conn;
    private long written;
    private boolean done;
    /** The answer to a PUT without a body (read at the start), or -1. */
    private int emptyAnswer = -1;

    private HttpPutWriter(KeepAlivePool pool, URI url, long size, String authorization, long timeoutMs) {
        this.pool = pool;
        this.url = url;
        this.size = size;
        this.authorization = authorization;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Sends the request head and waits for {@code 100 Continue} (for an empty body: for the answer), following
     * redirects; a server that does not answer the expectation within {@link #CONTINUE_WAIT_MS} gets the body
     * anyway.
     *
     * @param pool          where connections come from and go back to
     * @param url           where the file goes ({@code http} only)
     * @param size          exact body length
     * @param authorization {@code Authorization} value, or null
     * @param timeoutMs     connect timeout, longest wait for an answer and for the server to take data
     * @return the writer, ready for the body
     * @throws IOException when the server refuses the PUT or cannot be reached
     */
    static HttpPutWriter start(KeepAlivePool pool, URI url, long size, String authorization, long timeoutMs)
            throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("PUT needs the length of the body, got " + size);
        }
        HttpPutWriter w = new HttpPutWriter(pool, url, size, authorization, timeoutMs);
        try {
            w.open();
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
        return w;
    }

    /** @return where the body goes (after redirects) */
    URI url() {
        return url;
    }

    private void open() throws IOException {
        for (int hops = 0;; hops++) {
            if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                throw new IOException("PUT to " + url + ": only http:// URLs are streamed");
            }
            int port = url.getPort() < 0 ? 80 : url.getPort();
            HttpConnection.Head answer = null;
            for (int attempt = 0; answer == null; attempt++) {
                conn = pool.take(url.getHost(), port, timeoutMs);
                boolean reused = conn.requests() > 0;
                try {
                    conn.requestBegun();
                    conn.writeAscii(head(), timeoutMs);
                    if (size > 0 && !conn.awaitHead(Math.min(CONTINUE_WAIT_MS, timeoutMs))) {
                        // no answer to the expectation: a server may ignore it (RFC 9110 10.1.1), so the body goes
                        // now, as curl does; a refusal then comes as the final answer after it
                        return;
                    }
                    answer = conn.readHead(timeoutMs);
                    while (answer.informational() && (size == 0 || answer.status() != 100)) {
                        answer = conn.readHead(timeoutMs); // 102 Processing and the like
                    }
                } catch (IOException e) {
                    conn.close();
                    conn = null;
                    // a kept-alive connection the server closed meanwhile: once more on a fresh one
                    if (!reused || attempt > 0) {
                        throw new IOException("PUT " + url + ": " + e.getMessage(), e);
                    }
                }
            }
            int s = answer.status();
            if (s == 100) {
                return; // the body is welcome
            }
            boolean redirect = s == 301 || s == 302 || s == 307 || s == 308;
            if (size == 0 && !redirect) {
                // no body: this is the answer to the whole PUT
                conn.discardBody(answer, false, timeoutMs);
                pool.release(conn);
                conn = null;
                emptyAnswer = s;
                return;
            }
            // a final answer before the body: the server will not read a body on this connection
            conn.doNotReuse();
            safeDiscard(answer);
            conn.close();
            conn = null;
            if (!redirect) {
                throw new IOException("PUT " + url + " refused: HTTP " + s);
            }
            String location = answer.header("location");
            if (location == null || hops >= MAX_REDIRECTS) {
                throw new IOException("PUT " + url + ": HTTP " + s + (location == null ? " without Location"
                        : " after " + MAX_REDIRECTS + " redirects"));
            }
            url = resolve(url, location);
        }
    }

    private void safeDiscard(HttpConnection.Head answer) {
        try {
            conn.discardBody(answer, false, timeoutMs);
        } catch (IOException e) {
            // the connection is closed after this answer anyway
        }
    }

    static URI resolve(URI base, String location) throws IOException {
        if (location.length() > 8192 || location.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IOException("PUT " + base + ": malformed redirect Location");
        }
        try {
            URI target = base.resolve(new URI(location));
            if (target.getHost() == null || target.getScheme() == null) {
                throw new IOException("PUT " + base + ": redirect to " + location + " has no host");
            }
            return target;
        } catch (URISyntaxException e) {
            throw new IOException("PUT " + base + ": malformed redirect Location " + location, e);
        }
    }

    private String head() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        StringBuilder h = new StringBuilder(256)
                .append("PUT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost().contains(":") ? "[" + url.getHost() + "]" : url.getHost())
                .append(url.getPort() < 0 ? "" : ":" + url.getPort()).append("\r\n")
                .append("User-Agent: beamflow-archive\r\n")
                .append("Content-Type: application/octet-stream\r\n")
                .append("Content-Length: ").append(size).append("\r\n");
        if (size > 0) {
            h.append("Expect: 100-continue\r\n");
        }
        if (authorization != null) {
            h.append("Authorization: ").append(authorization).append("\r\n");
        }
        return h.append("\r\n").toString();
    }

    /**
     * Sends the remaining bytes of {@code data} (its position is not changed).
     *
     * @param data next bytes of the body
     * @throws IOException when the server ends the transfer, takes no data within the timeout, or more bytes
     *                     than announced are written
     */
    void write(ByteBuffer data) throws IOException {
        int n = data.remaining();
        if (conn == null || done) {
            throw new IOException("PUT " + url + " is no longer open");
        }
        if (n > size - written) {
            throw new IOException("PUT " + url + ": more than the announced " + size + " bytes");
        }
        try {
            conn.write(data.duplicate(), timeoutMs);
        } catch (IOException e) {
            throw new IOException("PUT " + url + " ended after " + written + " of " + size + " bytes: " + e.getMessage(), e);
        }
        written += n;
    }

    /**
     * Reads the server's answer to the complete body; the connection goes back to the pool.
     *
     * @return the final status code
     * @throws IOException when the body is incomplete or no valid answer comes within the timeout
     */
    int finish() throws IOException {
        if (written != size) {
            throw new IOException("PUT " + url + ": " + written + " bytes written, file has " + size);
        }
        if (emptyAnswer >= 0 && !done) {
            done = true;
            return emptyAnswer;
        }
        if (conn == null || done) {
            throw new IOException("PUT " + url + " is no longer open");
        }
        try {
            HttpConnection.Head answer = conn.readHead(timeoutMs);
            while (answer.informational()) {
                answer = conn.readHead(timeoutMs);
            }
            conn.discardBody(answer, false, timeoutMs);
            done = true;
            pool.release(conn);
            conn = null;
            return answer.status();
        } catch (IOException e) {
            abort();
            throw new IOException("PUT " + url + ": " + e.getMessage(), e);
        }
    }

    /** Ends the exchange without reuse of the connection (a partial body cannot be taken back). */
    void abort() {
        done = true;
        if (conn != null) {
            conn.close();
            conn = null;
        }
    }
}
