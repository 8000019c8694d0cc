package io.beamflow.archive.target;

import io.beamflow.archive.FileChecksums;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An archive target behind an HTTP/WebDAV door (how dCache's WebDAV door is used). A copy is
 * {@code PUT} to {@code .<name>.beamflow-part} and {@code MOVE}d to its final name; parent collections
 * are created with {@code MKCOL}. Over plain {@code http} the {@code PUT} body goes from the source's read
 * buffers straight to the socket ({@code Expect: 100-continue}, redirects to the pool followed, connections
 * kept alive), and {@code MOVE}, {@code HEAD} and {@code DELETE} go over the same kept-alive connections; over
 * {@code https} all requests go through the JDK HTTP client. Verification asks for the server's checksum with
 * {@code Want-Digest: adler32, sha-256} (RFC 3230) and compares the {@code Digest} answer where the
 * server offers one (dCache does); otherwise it reads the copy back with {@code GET}.
 */
public final class WebDavTarget implements ArchiveTarget {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebDavTarget.class);
    private final URI base;
    private final String uri;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String authorization;
    private final Set<String> knownCollections = ConcurrentHashMap.newKeySet();
    /** Kept-alive connections of the streamed PUTs (plain http). */
    private final KeepAlivePool puts = new KeepAlivePool();
    private final boolean streamed;

    /**
     * @param base          root URL of the target, e.g. {@code https://dcache.example.org:2880/pnfs/archive}
     * @param timeoutMs     connect timeout and timeout of requests without a body transfer
     * @param authorization value of the {@code Authorization} header (e.g. {@code Bearer <macaroon>}), or null
     */
    public WebDavTarget(URI base, long timeoutMs, String authorization) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.uri = this.base.toString();
        this.requestTimeout = Duration.ofMillis(timeoutMs);
        if (authorization != null && authorization.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("the Authorization value has control characters");
        }
        this.authorization = authorization;
        this.streamed = "http".equalsIgnoreCase(this.base.getScheme());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public String uri() {
        return uri;
    }

    /** @param relPath relative path @return the URL of the copy */
    public URI urlOf(String relPath) {
        String path = this.base.getPath() + (relPath.isEmpty() ? "/" : "/" + relPath);
        try {
            return new URI(base.getScheme(), base.getAuthority(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid archive path " + relPath, e);
        }
    }

    private HttpRequest.Builder request(URI url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(req.method() + " " + req.uri() + " interrupted");
        }
    }

    /** Creates the collection {@code relDir} below the base, and its missing parents (base included). */
    private synchronized void mkcols(String relDir) throws IOException {
        mkcol(absolute(relDir));
    }

    private String absolute(String relDir) {
        String basePath = base.getPath();
        return relDir.isEmpty() ? basePath : basePath + "/" + relDir;
    }

    private void mkcol(String absDir) throws IOException {
        if (absDir.isEmpty() || absDir.equals("/") || knownCollections.contains(absDir)) {
            return;
        }
        int code = mkcolRequest(absDir);
        if (code == 409) {
            // RFC 4918: the parent collection is missing; create it, then retry
            mkcol(absDir.substring(0, absDir.lastIndexOf('/')));
            code = mkcolRequest(absDir);
        }
        // 201 created; 405 already exists (Apache, dCache); 301 when the server redirects to the slash form
        if (code != 201 && code != 405 && code != 301) {
            throw new IOException("MKCOL " + absDir + " on " + base.getAuthority() + " failed: HTTP " + code);
        }
        knownCollections.add(absDir);
    }

    private int mkcolRequest(String absDir) throws IOException {
        URI url;
        try {
            url = new URI(base.getScheme(), base.getAuthority(), absDir + "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid collection " + absDir, e);
        }
        HttpRequest req = request(url).timeout(requestTimeout).method("MKCOL", HttpRequest.BodyPublishers.noBody()).build();
        return send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public Upload begin(String relPath, long sizeBytes) throws IOException {
        RelativePaths.check(relPath);
        mkcols(RelativePaths.parent(relPath));
        URI tmp = urlOf(RelativePaths.temporary(relPath));
        if (streamed) {
            long t0 = System.nanoTime();
            HttpPutWriter put = HttpPutWriter.start(puts, tmp, sizeBytes, authorization, requestTimeout.toMillis());
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: PUT head to 100 Continue from {} in {} ms", tmp, put.url().getAuthority(),
                        (System.nanoTime() - t0) / 1_000_000.0);
            }
            return new StreamedUpload(put, tmp, urlOf(relPath));
        }
        return new HttpUpload(tmp, urlOf(relPath), sizeBytes);
    }

    /**
     * A copy streamed as the body of one {@code PUT} over plain HTTP, written from the source's read buffers
     * straight to the socket ({@link HttpPutWriter}); {@link #commit()} reads the answer and {@code MOVE}s the
     * copy to its final name.
     */
    private final class StreamedUpload implements Upload {
        private final HttpPutWriter put;
        private final URI tmp;
        private final URI dest;

        StreamedUpload(HttpPutWriter put, URI tmp, URI dest) {
            this.put = put;
            this.tmp = tmp;
            this.dest = dest;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            put.write(data);
        }

        @Override
        public void commit() throws IOException {
            try {
                long t0 = System.nanoTime();
                int code = put.finish();
                if (code != 201 && code != 204 && code != 200) {
                    throw new IOException("PUT " + put.url() + " failed: HTTP " + code);
                }
                long t1 = System.nanoTime();
                move(tmp, dest);
                if (LOG.isDebugEnabled()) {
                    LOG.debug("{}: PUT answer {} ms after the body, MOVE {} ms", dest, (t1 - t0) / 1_000_000.0,
                            (System.nanoTime() - t1) / 1_000_000.0);
                }
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            put.abort();
            deleteQuietly(tmp);
        }
    }

    private void move(URI tmp, URI dest) throws IOException {
        if (streamed) {
            int code = BodylessRequest.send(puts, "MOVE", tmp, Map.of("Destination", dest.toASCIIString(),
                    "Overwrite", "T"), authorization, requestTimeout.toMillis()).status();
            if (code != 201 && code != 204) {
                throw new IOException("MOVE " + tmp + " -> " + dest + " failed: HTTP " + code);
            }
            return;
        }
        HttpRequest move = request(tmp).timeout(requestTimeout).header("Destination", dest.toASCIIString())
                .header("Overwrite", "T").method("MOVE", HttpRequest.BodyPublishers.noBody()).build();
        int code = send(move, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code != 201 && code != 204) {
            throw new IOException("MOVE " + tmp + " -> " + dest + " failed: HTTP " + code);
        }
    }

    /**
     * A copy streamed over {@code https} as the body of one {@code PUT} while the source is read: the reading thread hands each
     * chunk over (a copy, as the HTTP client may hold it after {@code onNext}) to a {@link Flow.Publisher} that
     * passes it on as the client asks for more, at most a few chunks ahead (backpressure); {@link #commit()}
     * waits for the answer and {@code MOVE}s the copy to its final name.
     */
    private final class HttpUpload implements Upload, Flow.Publisher<ByteBuffer> {
        private static final int AHEAD = 4;
        private static final ByteBuffer END = ByteBuffer.allocate(0);
        private final Object lock = new Object();
        private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        private final URI tmp;
        private final URI dest;
        private final long size;
        private final CompletableFuture<HttpResponse<String>> response;
        private Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private boolean delivering;
        private boolean cancelled;
        private long written;

        HttpUpload(URI tmp, URI dest, long size) {
            this.tmp = tmp;
            this.dest = dest;
            this.size = size;
            HttpRequest.BodyPublisher body = size == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.fromPublisher(this, size);
            // Expect: 100-continue lets a door redirect or refuse before the body is sent
            HttpRequest put = request(tmp).expectContinue(size > 0)
                    .header("Content-Type", "application/octet-stream").PUT(body).build();
            response = http.sendAsync(put, HttpResponse.BodyHandlers.ofString());
        }

        /** The body is handed out once: its bytes are read from the source only once. */
        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            boolean again;
            synchronized (lock) {
                again = subscriber != null;
                if (!again) {
                    subscriber = s;
                }
            }
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    synchronized (lock) {
                        demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    }
                    deliver();
                }

                @Override
                public void cancel() {
                    synchronized (lock) {
                        if (subscriber == s) {
                            cancelled = true;
                            lock.notifyAll();
                        }
                    }
                }
            });
            if (again) {
                s.onError(new IOException("PUT " + tmp + ": the server asked for the body again after it was streamed"));
            } else {
                deliver();
            }
        }

        /** Passes pending chunks on while the client wants them; never re-entered (onNext may call request). */
        private void deliver() {
            while (true) {
                ByteBuffer next;
                Flow.Subscriber<? super ByteBuffer> s;
                synchronized (lock) {
                    if (delivering || subscriber == null || cancelled || demand == 0 || pending.isEmpty()) {
                        return;
                    }
                    delivering = true;
                    next = pending.poll();
                    demand--;
                    s = subscriber;
                    lock.notifyAll();
                }
                try {
                    if (next == END) {
                        s.onComplete();
                    } else {
                        s.onNext(next);
                    }
                } finally {
                    synchronized (lock) {
                        delivering = false;
                    }
                }
            }
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            int n = data.remaining();
            ByteBuffer chunk = ByteBuffer.allocate(n);
            chunk.put(data.duplicate()).flip();
            hand(chunk);
            written += n;
        }

        private void hand(ByteBuffer chunk) throws IOException {
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            synchronized (lock) {
                while (pending.size() >= AHEAD) {
                    if (cancelled || response.isDone()) {
                        throw new IOException("PUT " + tmp + " ended before the body was sent: " + answer());
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IOException("PUT " + tmp + ": the server took no data for " + requestTimeout.toMillis() + " ms");
                    }
                    try {
                        lock.wait(Math.max(1, Math.min(20, left / 1_000_000)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("PUT " + tmp + " interrupted");
                    }
                }
                pending.add(chunk);
            }
            deliver();
        }

        private String answer() {
            try {
                HttpResponse<String> r = response.getNow(null);
                return r == null ? "cancelled" : "HTTP " + r.statusCode();
            } catch (RuntimeException e) {
                return String.valueOf(e.getCause() != null ? e.getCause() : e);
            }
        }

        @Override
        public void commit() throws IOException {
            try {
                if (written != size) {
                    throw new IOException("PUT " + tmp + ": " + written + " bytes written, file has " + size);
                }
                if (size > 0) {
                    hand(END);
                }
                HttpResponse<String> r;
                try {
                    r = response.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("PUT " + tmp + " interrupted");
                } catch (ExecutionException e) {
                    throw new IOException("PUT " + tmp + " failed: " + e.getCause(), e.getCause());
                } catch (TimeoutException e) {
                    throw new IOException("PUT " + tmp + ": no answer within " + requestTimeout.toMillis() + " ms after the body");
                }
                if (r.statusCode() != 201 && r.statusCode() != 204 && r.statusCode() != 200) {
                    throw new IOException("PUT " + tmp + " failed: HTTP " + r.statusCode());
                }
                move(tmp, dest);
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
        }

        @Override
        public void abort() {
            Flow.Subscriber<? super ByteBuffer> s;
            synchronized (lock) {
                pending.clear();
                s = cancelled ? null : subscriber;
                cancelled = true;
                lock.notifyAll();
            }
            if (s != null) {
                s.onError(new IOException("upload to " + tmp + " aborted"));
            }
            response.cancel(true);
            deleteQuietly(tmp);
        }
    }

    private void deleteQuietly(URI url) {
        try {
            if (streamed) {
                BodylessRequest.send(puts, "DELETE", url, Map.of(), authorization, requestTimeout.toMillis());
                return;
            }
            send(request(url).timeout(requestTimeout).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // best effort; the next store of this file reuses the temporary name
        }
    }

    @Override
    public VerifyOutcome verify(String relPath, FileChecksums expected, long sizeBytes) throws IOException {
        URI url = urlOf(RelativePaths.check(relPath));
        if (streamed) {
            HttpConnection.Head h = BodylessRequest.send(puts, "HEAD", url, Map.of("Want-Digest", DigestHeader.want(expected)),
                    authorization, requestTimeout.toMillis());
            String cl = h.header("content-length");
            return checkHead(relPath, url, h.status(), cl == null ? -1 : HttpConnection.contentLength(cl),
                    h.header("digest"), expected, sizeBytes);
        }
        HttpRequest head = request(url).timeout(requestTimeout).header("Want-Digest", DigestHeader.want(expected))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<Void> r = send(head, HttpResponse.BodyHandlers.discarding());
        return checkHead(relPath, url, r.statusCode(), r.headers().firstValueAsLong("Content-Length").orElse(-1),
                r.headers().firstValue("Digest").orElse(null), expected, sizeBytes);
    }

    /** Judges the answer to {@code HEAD} with {@code Want-Digest}; without a usable digest, reads the copy back. */
    private VerifyOutcome checkHead(String relPath, URI url, int status, long length, String digest,
            FileChecksums expected, long sizeBytes) throws IOException {
        if (status == 404) {
            return VerifyOutcome.missing("no copy at " + url);
        }
        if (status / 100 != 2) {
            throw new IOException("HEAD " + url + " failed: HTTP " + status);
        }
        if (length >= 0 && length != sizeBytes) {
            return VerifyOutcome.corrupt("size", "size expected " + sizeBytes + " got " + length);
        }
        VerifyOutcome byDigest = DigestHeader.compare(DigestHeader.parse(digest), expected);
        if (byDigest != null) {
            return byDigest;
        }
        return ArchiveTarget.readBack(this, relPath, expected, VerifyOutcome.METHOD_HTTP);
    }

    @Override
    public InputStream open(String relPath) throws IOException {
        URI url = urlOf(RelativePaths.check(relPath));
        HttpResponse<InputStream> r = send(request(url).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 200) {
            return r.body();
        }
        r.body().close();
        if (r.statusCode() == 404) {
            throw new NoSuchFileException(url.toString());
        }
        throw new IOException("GET " + url + " failed: HTTP " + r.statusCode());
    }

    @Override
    public void close() {
        puts.close();
    }

    @Override
    public String toString() {
        return uri;
    }
}
