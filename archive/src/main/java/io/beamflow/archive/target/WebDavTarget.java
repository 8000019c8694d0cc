package io.beamflow.archive.target;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.FileChecksums;
import io.beamflow.archive.Throttle;
import io.beamflow.archive.TransferInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * An archive target behind an HTTP/WebDAV door (how dCache's WebDAV door is used). A copy is
 * {@code PUT} to {@code .<name>.beamflow-part} and {@code MOVE}d to its final name; parent collections
 * are created with {@code MKCOL}. Verification asks for the server's checksum with
 * {@code Want-Digest: adler32, sha-256} (RFC 3230) and compares the {@code Digest} answer where the
 * server offers one (dCache does); otherwise it reads the copy back with {@code GET}.
 */
public final class WebDavTarget implements ArchiveTarget {
    private final URI base;
    private final String uri;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String authorization;
    private final Set<String> knownCollections = ConcurrentHashMap.newKeySet();

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
        this.authorization = authorization;
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
    public FileChecksums store(String relPath, Path source, Throttle throttle, LongConsumer progress) throws IOException {
        RelativePaths.check(relPath);
        mkcols(RelativePaths.parent(relPath));
        URI tmp = urlOf(RelativePaths.temporary(relPath));
        URI dest = urlOf(relPath);
        long size = Files.size(source);
        // a redirect (dCache's door sends PUTs on to a pool) re-reads the body: checksum each attempt afresh
        AtomicReference<ChecksumAccumulator> attempt = new AtomicReference<>(new ChecksumAccumulator());
        try {
            HttpRequest.BodyPublisher body = size == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                        ChecksumAccumulator sums = new ChecksumAccumulator();
                        attempt.set(sums);
                        try {
                            return new TransferInputStream(Files.newInputStream(source), sums, throttle, progress);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }), size);
            // Expect: 100-continue lets a door redirect or refuse before the body is sent
            HttpRequest put = request(tmp).header("Want-Digest", DigestHeader.WANT_DIGEST).expectContinue(size > 0)
                    .header("Content-Type", "application/octet-stream").PUT(body).build();
            HttpResponse<String> r = send(put, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201 && r.statusCode() != 204 && r.statusCode() != 200) {
                throw new IOException("PUT " + tmp + " failed: HTTP " + r.statusCode());
            }
            if (attempt.get().bytes() != size) {
                throw new IOException("PUT " + tmp + " sent " + attempt.get().bytes() + " bytes, file has " + size);
            }
            HttpRequest move = request(tmp).timeout(requestTimeout).header("Destination", dest.toASCIIString())
                    .header("Overwrite", "T").method("MOVE", HttpRequest.BodyPublishers.noBody()).build();
            int code = send(move, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (code != 201 && code != 204) {
                throw new IOException("MOVE " + tmp + " -> " + dest + " failed: HTTP " + code);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        return attempt.get().result();
    }

    private void deleteQuietly(URI url) {
        try {
            send(request(url).timeout(requestTimeout).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // best effort; the next store of this file reuses the temporary name
        }
    }

    @Override
    public VerifyOutcome verify(String relPath, FileChecksums expected, long sizeBytes) throws IOException {
        URI url = urlOf(RelativePaths.check(relPath));
        HttpRequest head = request(url).timeout(requestTimeout).header("Want-Digest", DigestHeader.WANT_DIGEST)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<Void> r = send(head, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404) {
            return VerifyOutcome.missing("no copy at " + url);
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException("HEAD " + url + " failed: HTTP " + r.statusCode());
        }
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (length >= 0 && length != sizeBytes) {
            return VerifyOutcome.corrupt("size", "size expected " + sizeBytes + " got " + length);
        }
        Map<String, String> digests = DigestHeader.parse(r.headers().firstValue("Digest").orElse(null));
        if (!digests.isEmpty()) {
            return DigestHeader.compare(digests, expected);
        }
        return ArchiveTarget.readBack(this, relPath, expected);
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
    public String toString() {
        return uri;
    }
}
