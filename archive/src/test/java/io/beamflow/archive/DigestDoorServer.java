package io.beamflow.archive;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.beamflow.archive.target.WebDavTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM HTTP server that behaves like dCache's WebDAV door where Apache cannot: it answers
 * {@code Want-Digest} with an RFC 3230 {@code Digest} header computed from the stored bytes. It implements
 * just what {@link WebDavTarget} uses (MKCOL, PUT, MOVE, HEAD, GET, DELETE) and counts GETs, so a test can
 * show that verification used the server's checksum instead of reading the copy back.
 */
final class DigestDoorServer implements AutoCloseable {
    private final HttpServer server;
    private final Path root;
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();
    /** Whether the server answers {@code Want-Digest}; off, it behaves like Apache (no Digest header). */
    final java.util.concurrent.atomic.AtomicBoolean digests = new java.util.concurrent.atomic.AtomicBoolean(true);

    DigestDoorServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path);
    }

    Path file(String path) {
        return root.resolve(path);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Path f = root.resolve(path.substring(1));
            switch (ex.getRequestMethod()) {
                case "MKCOL" -> {
                    if (Files.isDirectory(f)) {
                        reply(ex, 405);
                    } else if (!Files.isDirectory(f.getParent())) {
                        reply(ex, 409);
                    } else {
                        Files.createDirectory(f);
                        reply(ex, 201);
                    }
                }
                case "PUT" -> {
                    try (InputStream in = ex.getRequestBody()) {
                        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
                    }
                    puts.incrementAndGet();
                    reply(ex, 201);
                }
                case "MOVE" -> {
                    Path dest = root.resolve(URI.create(ex.getRequestHeaders().getFirst("Destination")).getPath().substring(1));
                    Files.move(f, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    reply(ex, 201);
                }
                case "DELETE" -> {
                    reply(ex, Files.deleteIfExists(f) ? 204 : 404);
                }
                case "HEAD", "GET" -> {
                    if (!Files.isRegularFile(f)) {
                        reply(ex, 404);
                        return;
                    }
                    String want = ex.getRequestHeaders().getFirst("Want-Digest");
                    if (want != null && digests.get()) {
                        // as dCache: the checksums asked for that it has, computed from the stored bytes
                        FileChecksums c = ChecksumAccumulator.of(f);
                        List<String> parts = new ArrayList<>();
                        if (want.contains("adler32")) {
                            parts.add("adler32=" + c.adler32());
                        }
                        if (want.contains("sha-256")) {
                            parts.add("sha-256=" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(c.sha256())));
                        }
                        if (!parts.isEmpty()) {
                            ex.getResponseHeaders().add("Digest", String.join(",", parts));
                        }
                    }
                    if (ex.getRequestMethod().equals("HEAD")) {
                        reply(ex, 200);
                    } else {
                        gets.incrementAndGet();
                        ex.sendResponseHeaders(200, Files.size(f));
                        try (OutputStream out = ex.getResponseBody()) {
                            Files.copy(f, out);
                        }
                    }
                }
                default -> reply(ex, 405);
            }
        }
    }

    private static void reply(HttpExchange ex, int code) throws IOException {
        ex.sendResponseHeaders(code, -1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
