package io.beamflow.bench.archive;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.Adler32;

/**
 * A WebDAV door on loopback that stores like a dCache pool: the ADLER32 is computed while a PUT arrives, the
 * file is fsync'ed, and {@code HEAD} with {@code Want-Digest: adler32} answers from that stored checksum
 * (RFC 3230). Only what {@code WebDavTarget} uses: MKCOL, PUT, MOVE, HEAD, GET, DELETE.
 */
final class DigestDoor implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Path root;
    private final Map<Path, String> adler = new ConcurrentHashMap<>();

    DigestDoor(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/pnfs");
    }

    private Path file(String urlPath) {
        return root.resolve(urlPath.substring(1)).normalize();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Path f = file(ex.getRequestURI().getPath());
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
                    Adler32 sum = new Adler32();
                    byte[] buf = new byte[1 << 20];
                    try (InputStream in = ex.getRequestBody();
                         FileChannel out = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                 StandardOpenOption.TRUNCATE_EXISTING)) {
                        int n;
                        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                            sum.update(buf, 0, n);
                            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                            while (b.hasRemaining()) {
                                out.write(b);
                            }
                        }
                        out.force(true);
                    }
                    adler.put(f, String.format("%08x", sum.getValue()));
                    reply(ex, 201);
                }
                case "MOVE" -> {
                    Path dest = file(URI.create(ex.getRequestHeaders().getFirst("Destination")).getPath());
                    Files.move(f, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    String sum = adler.remove(f);
                    if (sum != null) {
                        adler.put(dest, sum);
                    }
                    reply(ex, 201);
                }
                case "DELETE" -> reply(ex, Files.deleteIfExists(f) ? 204 : 404);
                case "HEAD", "GET" -> {
                    if (!Files.isRegularFile(f)) {
                        reply(ex, 404);
                        return;
                    }
                    String want = ex.getRequestHeaders().getFirst("Want-Digest");
                    String sum = adler.get(f);
                    if (want != null && want.contains("adler32") && sum != null) {
                        ex.getResponseHeaders().add("Digest", "adler32=" + sum);
                    }
                    if (ex.getRequestMethod().equals("HEAD")) {
                        ex.sendResponseHeaders(200, -1);
                    } else {
                        ex.sendResponseHeaders(200, Files.size(f));
                        Files.copy(f, ex.getResponseBody());
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
        threads.shutdownNow();
    }
}
