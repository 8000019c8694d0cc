package io.beamflow.bench.archive;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.Adler32;

/**
 * A WebDAV door on loopback that stores like a dCache pool: the ADLER32 is computed while a PUT arrives, the
 * file is written (with {@code O_DIRECT} where the disk takes it, as {@code PosixTarget} writes) and fsync'ed, and {@code HEAD} with {@code Want-Digest: adler32} answers from that stored checksum
 * (RFC 3230). Only what {@code WebDavTarget} uses: MKCOL, PUT, MOVE, HEAD, GET, DELETE.
 */
public final class DigestDoor implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Path root;
    private final Map<Path, String> adler = new ConcurrentHashMap<>();
    private final PosixTarget store;
    private final ThreadLocal<byte[]> chunk = ThreadLocal.withInitial(() -> new byte[4 << 20]);
    private final ThreadLocal<ByteBuffer> buf = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect((4 << 20) + (64 << 10)).alignedSlice(64 << 10));

    DigestDoor(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        this.store = new PosixTarget(this.root);
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
                    // stored as a pool would, with O_DIRECT where the disk takes it (PosixTarget's writer)
                    String rel = root.relativize(f).toString();
                    ArchiveTarget.Upload up = store.begin(rel, -1);
                    Adler32 sum = new Adler32();
                    byte[] heap = chunk.get();
                    try (InputStream in = ex.getRequestBody()) {
                        while (true) {
                            // fill a whole buffer: only the last write may be short
                            int n = in.readNBytes(heap, 0, heap.length);
                            if (n == 0) {
                                break;
                            }
                            sum.update(heap, 0, n);
                            ByteBuffer b = buf.get();
                            b.clear();
                            b.put(heap, 0, n).flip();
                            up.write(b);
                            if (n < heap.length) {
                                break;
                            }
                        }
                        up.commit();
                    } catch (IOException | RuntimeException e) {
                        up.abort();
                        throw e;
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

    /**
     * Runs doors in a process of their own (so the migrator's CPU time is measured apart from the server's),
     * one per directory argument; prints {@code door <url>} per door, then serves until stdin closes.
     *
     * @param args the directories the doors store into
     */
    public static void main(String[] args) throws Exception {
        java.util.List<DigestDoor> doors = new java.util.ArrayList<>();
        for (String a : args) {
            DigestDoor d = new DigestDoor(Path.of(a));
            doors.add(d);
            System.out.println("door " + d.url());
        }
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the parent closes our stdin (or dies)
        }
        doors.forEach(DigestDoor::close);
    }
}
