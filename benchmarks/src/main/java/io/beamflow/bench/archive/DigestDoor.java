package io.beamflow.bench.archive;

import io.beamflow.archive.SwarAdler32;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A WebDAV door on loopback that stores like a dCache pool, made cheap so that it does not take the cores the
 * migrator is measured on: a door port that redirects each {@code PUT} ({@code 307}, after
 * {@code Expect: 100-continue}, before the body) to a pool port, as dCache's door does; the pool reads the body
 * from the socket into direct, aligned buffers, computes ADLER32 on them in place (the archive's
 * {@code SwarAdler32}, as the migrator does), writes them with {@code O_DIRECT} ({@code PosixTarget}'s writer; the write of one buffer overlaps the
 * receiving of the next), fsyncs and answers {@code 201};
 * {@code HEAD} with {@code Want-Digest: adler32} answers from the stored checksum (RFC 3230). Blocking NIO, a
 * thread per connection, keep-alive. Only what {@code WebDavTarget} uses: MKCOL, PUT, MOVE, HEAD, GET, DELETE.
 * Benchmark support: it trusts its client (loopback, sizes still bounded).
 */
public final class DigestDoor implements AutoCloseable {
    private static final int BUFFER = 4 << 20;
    private static final int ALIGN = 64 << 10;
    private static final int MAX_HEAD = 16 << 10;
    /** With {@code -Ddigestdoor.trace=true} each stored PUT prints where its time went (on stderr). */
    private static final boolean TRACE = Boolean.getBoolean("digestdoor.trace");
    private final ServerSocketChannel door;
    private final ServerSocketChannel pool;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "digest-door");
        t.setDaemon(true);
        return t;
    });
    private final Path root;
    private final Map<Path, String> adler = new ConcurrentHashMap<>();
    private final PosixTarget store;

    DigestDoor(Path root) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath().normalize();
        this.store = new PosixTarget(this.root);
        door = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        pool = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.execute(() -> accept(door, true));
        threads.execute(() -> accept(pool, false));
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port(door) + "/pnfs");
    }

    private static int port(ServerSocketChannel s) {
        try {
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void accept(ServerSocketChannel server, boolean isDoor) {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                threads.execute(() -> serve(c, isDoor));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One request head. */
    private record Request(String method, String path, Map<String, String> headers) {
    }

    /** A connection's state: a small heap buffer for heads, a direct aligned one for bodies. */
    private final class Connection {
        final SocketChannel ch;
        final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD).flip();
        /** Two body buffers (one filled from the socket while the other is written to disk), allocated at the first body. */
        ByteBuffer[] bodies;
        ByteBuffer body;
        int turn;

        Connection(SocketChannel ch) {
            this.ch = ch;
        }

        /** @return the next request head, or null at the end of the connection */
        Request next() throws IOException {
            while (true) {
                int end = -1;
                for (int i = head.position(); i + 3 < head.limit(); i++) {
                    if (head.get(i) == '\r' && head.get(i + 1) == '\n' && head.get(i + 2) == '\r' && head.get(i + 3) == '\n') {
                        end = i + 4;
                        break;
                    }
                }
                if (end >= 0) {
                    byte[] raw = new byte[end - head.position()];
                    head.get(raw);
                    String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
                    String[] first = lines[0].split(" ");
                    if (first.length != 3) {
                        throw new IOException("bad request line");
                    }
                    Map<String, String> h = new HashMap<>();
                    for (int i = 1; i < lines.length; i++) {
                        int c = lines[i].indexOf(':');
                        if (c > 0) {
                            h.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
                        }
                    }
                    return new Request(first[0], URI.create(first[1]).getPath(), h);
                }
                if (head.position() == 0 && head.limit() == head.capacity()) {
                    throw new IOException("request head too large");
                }
                head.compact();
                int n = ch.read(head);
                head.flip();
                if (n < 0) {
                    return null;
                }
            }
        }

        void reply(int code, String extraHeaders, long length) throws IOException {
            String s = "HTTP/1.1 " + code + " X\r\n" + extraHeaders + "Content-Length: " + length + "\r\n\r\n";
            ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        /** Fills {@link #body} with up to {@code max} body bytes: first those read with the head. */
        int fill(int max) throws IOException {
            if (bodies == null) {
                bodies = new ByteBuffer[] {ByteBuffer.allocateDirect(BUFFER + ALIGN).alignedSlice(ALIGN),
                    ByteBuffer.allocateDirect(BUFFER + ALIGN).alignedSlice(ALIGN)};
            }
            body = bodies[turn++ & 1];
            body.clear().limit(max);
            while (body.hasRemaining() && head.hasRemaining()) {
                body.put(head.get());
            }
            while (body.hasRemaining()) {
                if (ch.read(body) < 0) {
                    throw new EOFException("client closed during the body");
                }
            }
            body.flip();
            return max;
        }
    }

    private void serve(SocketChannel ch, boolean isDoor) {
        try (ch) {
            Connection c = new Connection(ch);
            Request r;
            while ((r = c.next()) != null) {
                handle(c, r, isDoor);
            }
        } catch (IOException | RuntimeException e) {
            // connection ends; the client sees the error
        }
    }

    private Path file(String urlPath) {
        Path f = root.resolve(urlPath.substring(1)).normalize();
        if (!f.startsWith(root)) {
            throw new IllegalArgumentException("outside the door's root: " + urlPath);
        }
        return f;
    }

    private void handle(Connection c, Request r, boolean isDoor) throws IOException {
        Path f = file(r.path());
        switch (r.method()) {
            case "MKCOL" -> {
                if (Files.isDirectory(f)) {
                    c.reply(405, "", 0);
                } else if (!Files.isDirectory(f.getParent())) {
                    c.reply(409, "", 0);
                } else {
                    Files.createDirectory(f);
                    c.reply(201, "", 0);
                }
            }
            case "PUT" -> put(c, r, f, isDoor);
            case "MOVE" -> {
                Path dest = file(URI.create(r.headers().get("destination")).getPath());
                Files.move(f, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                String sum = adler.remove(f);
                if (sum != null) {
                    adler.put(dest, sum);
                }
                c.reply(201, "", 0);
            }
            case "DELETE" -> c.reply(Files.deleteIfExists(f) ? 204 : 404, "", 0);
            case "HEAD", "GET" -> {
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    c.reply(404, "", 0);
                    return;
                }
                String want = r.headers().get("want-digest");
                String sum = adler.get(f);
                String digest = want != null && want.contains("adler32") && sum != null ? "Digest: adler32=" + sum + "\r\n" : "";
                long size = Files.size(f);
                c.reply(200, digest, size);
                if (r.method().equals("GET")) {
                    try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
                        long pos = 0;
                        while (pos < size) {
                            pos += in.transferTo(pos, size - pos, c.ch);
                        }
                    }
                }
            }
            default -> c.reply(405, "", 0);
        }
    }

    private void put(Connection c, Request r, Path f, boolean isDoor) throws IOException {
        String cl = r.headers().get("content-length");
        if (cl == null || !cl.matches("[0-9]{1,18}")) {
            c.reply(411, "Connection: close\r\n", 0);
            throw new IOException("no Content-Length");
        }
        long size = Long.parseLong(cl);
        boolean expect = "100-continue".equalsIgnoreCase(r.headers().get("expect"));
        if (isDoor) {
            // as dCache's door: the pool that stores the file takes the body; a token in the URL, as dCache's
            c.reply(307, "Location: http://127.0.0.1:" + port(pool) + r.path() + "?dcache-http-uuid=" + System.nanoTime()
                    + "\r\n" + (expect ? "Connection: close\r\n" : ""), 0);
            if (expect) {
                throw new EOFException("redirected before the body: connection closed");
            }
            long left = size;
            while (left > 0) {
                left -= c.fill((int) Math.min(BUFFER, left));
            }
            return;
        }
        if (expect) {
            ByteBuffer cont = ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            while (cont.hasRemaining()) {
                c.ch.write(cont);
            }
        }
        // stored as a pool would, with O_DIRECT where the disk takes it (PosixTarget's writer)
        ArchiveTarget.Upload up = store.begin(root.relativize(f).toString(), size);
        SwarAdler32 sum = new SwarAdler32();
        java.util.concurrent.Future<?> writing = null;
        long recvNs = 0;
        long sumNs = 0;
        long waitNs = 0;
        long start = System.nanoTime();
        try {
            long left = size;
            while (left > 0) {
                // whole buffers: only the last write may be short of a block; the disk write of one buffer
                // overlaps the receiving of the next (as a pool's mover queues its writes)
                long t0 = System.nanoTime();
                int n = c.fill((int) Math.min(BUFFER, left));
                long t1 = System.nanoTime();
                sum.update(c.body.duplicate());
                long t2 = System.nanoTime();
                finish(writing);
                recvNs += t1 - t0;
                sumNs += t2 - t1;
                waitNs += System.nanoTime() - t2;
                ByteBuffer b = c.body;
                writing = threads.submit(() -> {
                    up.write(b);
                    return null;
                });
                left -= n;
            }
            long t3 = System.nanoTime();
            finish(writing);
            writing = null;
            long t4 = System.nanoTime();
            up.commit();
            if (TRACE) {
                long t5 = System.nanoTime();
                System.err.printf(Locale.ROOT, "door %d %s: %d MiB, receive %.1f ms, adler %.1f ms, wait for disk %.1f ms,"
                        + " last write %.1f ms, fsync+rename %.1f ms, total %.1f ms%n", port(pool), f.getFileName(),
                        size >> 20, recvNs / 1e6, sumNs / 1e6, waitNs / 1e6, (t4 - t3) / 1e6, (t5 - t4) / 1e6, (t5 - start) / 1e6);
            }
        } catch (IOException | RuntimeException e) {
            if (writing != null) {
                try {
                    finish(writing);
                } catch (IOException | RuntimeException ignored) {
                    // aborting anyway
                }
            }
            up.abort();
            throw e;
        }
        adler.put(f, sum.hex());
        c.reply(201, "", 0);
    }

    private static void finish(java.util.concurrent.Future<?> writing) throws IOException {
        if (writing == null) {
            return;
        }
        try {
            writing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            door.close();
            pool.close();
        } catch (IOException e) {
            // closing anyway
        }
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
