package io.beamflow.archive.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;

/**
 * The streamed PUT of {@link WebDavTarget} over plain HTTP against a scripted server on a real loopback socket:
 * the body arrives intact from direct buffers, {@code Expect: 100-continue} and {@code Content-Length} are sent,
 * connections are kept alive and a dead kept-alive one is replaced, a door's {@code 307} is followed to the pool
 * with the {@code Authorization} header, refusals, errors, silence and malformed answers end in clear errors.
 */
class WebDavStreamedPutTest {
    private static final String AUTH = "Bearer macaroon-abc";

    /** MKCOL, MOVE, DELETE and HEAD as a WebDAV server answers them; PUT by {@code put}. */
    private static ScriptedHttpServer.Script dav(ScriptedHttpServer.Script put) {
        return (r, ex) -> {
            switch (r.method()) {
                case "PUT" -> put.answer(r, ex);
                case "MKCOL", "MOVE" -> ex.reply(201, "");
                case "DELETE" -> ex.reply(204, "");
                default -> ex.reply(405, "");
            }
        };
    }

    private static ScriptedHttpServer.Script storing() {
        return dav((r, ex) -> {
            if ("100-continue".equals(r.header("expect"))) {
                ex.sendContinue();
            }
            ex.readBody();
            ex.reply(201, "");
        });
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static long adler(byte[] b) {
        Adler32 a = new Adler32();
        a.update(b);
        return a.getValue();
    }

    /** Writes {@code data} through an upload in direct-buffer chunks of {@code chunk} bytes and commits. */
    private static void store(WebDavTarget t, String rel, byte[] data, int chunk) throws IOException {
        ArchiveTarget.Upload up = t.begin(rel, data.length);
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        for (int p = 0; p < data.length; p += chunk) {
            int n = Math.min(chunk, data.length - p);
            buf.clear();
            buf.put(data, p, n).flip();
            up.write(buf);
            assertEquals(0, buf.position(), "the caller's buffer is not consumed");
        }
        up.commit();
    }

    private static List<ScriptedHttpServer.Request> puts(ScriptedHttpServer s) {
        return s.requests.stream().filter(r -> r.method().equals("PUT")).toList();
    }

    @Test
    void shouldStreamPutsIntactOverOneKeptAliveConnectionAndMoveThem() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer(storing());
             WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, AUTH)) {
            byte[] big = random(3 * 1_000_000 + 17, 1);
            byte[] small = random(4095, 2);
            store(t, "bt/s1/a.h5", big, 1 << 20);
            store(t, "bt/s1/b.h5", small, 1000);
            store(t, "bt/s1/empty.h5", new byte[0], 16);
            List<ScriptedHttpServer.Request> puts = puts(s);
            assertEquals(3, puts.size());
            assertEquals("/pnfs/bt/s1/.a.h5.beamflow-part", puts.get(0).target());
            assertEquals(String.valueOf(big.length), puts.get(0).header("content-length"));
            assertEquals("100-continue", puts.get(0).header("expect"));
            assertNull(puts.get(2).header("expect"), "no 100-continue without a body");
            assertEquals(AUTH, puts.get(1).header("authorization"));
            assertEquals(1, puts.stream().map(ScriptedHttpServer.Request::connection).distinct().count(),
                    "all PUTs on one kept-alive connection");
            assertEquals(new ScriptedHttpServer.Body("/pnfs/bt/s1/.a.h5.beamflow-part", big.length, adler(big)), s.bodies.get(0));
            assertEquals(new ScriptedHttpServer.Body("/pnfs/bt/s1/.b.h5.beamflow-part", small.length, adler(small)), s.bodies.get(1));
            assertEquals(0, s.bodies.get(2).bytes());
            List<ScriptedHttpServer.Request> moves = s.requests.stream().filter(r -> r.method().equals("MOVE")).toList();
            assertEquals(3, moves.size());
            assertTrue(moves.get(0).header("destination").endsWith("/pnfs/bt/s1/a.h5"), moves.get(0).header("destination"));
        }
    }

    @Test
    void shouldFollowTheDoorsRedirectToThePoolKeepingAuthorization() throws Exception {
        try (ScriptedHttpServer pool = new ScriptedHttpServer(storing())) {
            URI poolUrl = pool.url("/pool/data?dcache-http-uuid=42");
            try (ScriptedHttpServer door = new ScriptedHttpServer(dav((r, ex) -> {
                ex.reply(307, "Location: " + poolUrl + "\r\n");
                ex.close = true;
            })); WebDavTarget t = new WebDavTarget(door.url("/pnfs"), 5_000, AUTH)) {
                byte[] data = random(2_000_003, 3);
                store(t, "bt/s1/a.h5", data, 1 << 20);
                store(t, "bt/s1/b.h5", data, 1 << 20);
                assertTrue(door.bodies.isEmpty(), "the door got no body: the redirect came before it");
                assertEquals(2, pool.bodies.size());
                assertEquals(adler(data), pool.bodies.get(0).adler32());
                assertEquals(data.length, pool.bodies.get(1).bytes());
                ScriptedHttpServer.Request put = puts(pool).get(0);
                assertEquals("/pool/data?dcache-http-uuid=42", put.target(), "the pool's token kept");
                assertEquals(AUTH, put.header("authorization"));
                assertEquals("127.0.0.1:" + pool.port(), put.header("host"));
                assertEquals(1, puts(pool).stream().map(ScriptedHttpServer.Request::connection).distinct().count(),
                        "the pool connection kept alive across files");
                assertEquals(2, door.requests.stream().filter(r -> r.method().equals("MOVE")).count(), "MOVE at the door");
            }
        }
    }

    @Test
    void shouldReportARefusalBeforeTheBodyAndSendNoBody() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> ex.reply(507, "")));
             WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            IOException e = assertThrows(IOException.class, () -> t.begin("bt/a.h5", 1000));
            assertTrue(e.getMessage().contains("HTTP 507"), e.getMessage());
            assertTrue(s.bodies.isEmpty());
        }
    }

    @Test
    void shouldRetryOnAFreshConnectionWhenTheServerClosedTheKeptAliveOne() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> {
            ex.sendContinue();
            ex.readBody();
            ex.reply(201, "");
            ex.close = true; // closed without "Connection: close", as after a keep-alive timeout
        })); WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            byte[] data = random(100_000, 4);
            store(t, "bt/a.h5", data, 65536);
            store(t, "bt/b.h5", data, 65536);
            store(t, "bt/empty.h5", new byte[0], 16);
            assertEquals(3, s.bodies.size());
            assertEquals(adler(data), s.bodies.get(1).adler32());
            assertEquals(0, s.bodies.get(2).bytes(), "an empty file's PUT retried as well");
            assertEquals(3, puts(s).stream().map(ScriptedHttpServer.Request::connection).distinct().count());
        }
    }

    @Test
    void shouldKeepTheConnectionAfterAChunkedAnswer() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> {
            ex.sendContinue();
            ex.readBody();
            ex.send("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nCreated\r\n0\r\n\r\n");
        })); WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            store(t, "bt/a.h5", random(5000, 5), 4096);
            store(t, "bt/b.h5", random(5000, 6), 4096);
            assertEquals(1, puts(s).stream().map(ScriptedHttpServer.Request::connection).distinct().count());
        }
    }

    @Test
    void shouldFailTheCommitAndDeleteTheCopyWhenTheServerAnswersAnErrorAfterTheBody() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> {
            ex.sendContinue();
            ex.readBody();
            ex.reply(500, "");
        })); WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            IOException e = assertThrows(IOException.class, () -> store(t, "bt/a.h5", random(3000, 7), 1024));
            assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
            assertTrue(s.requests.stream().anyMatch(r -> r.method().equals("DELETE")
                    && r.target().equals("/pnfs/bt/.a.h5.beamflow-part")), "the temporary copy is deleted");
            assertTrue(s.requests.stream().noneMatch(r -> r.method().equals("MOVE")));
        }
    }

    @Test
    void shouldSendTheBodyToAServerThatIgnoresTheContinueExpectation() throws Exception {
        // a server that never answers "Expect: 100-continue" but reads the body and stores it (allowed by RFC 9110)
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> {
            ex.readBody();
            ex.reply(201, "");
        })); WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            byte[] data = random(200_000, 3);
            store(t, "bt/s1/a.h5", data, 1 << 16);
            assertEquals(new ScriptedHttpServer.Body("/pnfs/bt/s1/.a.h5.beamflow-part", data.length, adler(data)),
                    s.bodies.get(0));
        }
    }

    @Test
    void shouldTimeOutWhenTheServerNeverAnswersTheRequest() throws Exception {
        CountDownLatch end = new CountDownLatch(1);
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> {
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })); WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 300, null)) {
            // no 100 Continue within the timeout: the body is sent anyway, and the missing answer fails the commit
            IOException e = assertThrows(IOException.class, () -> store(t, "a.h5", new byte[10], 10));
            assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
        } finally {
            end.countDown();
        }
    }

    @Test
    void shouldRefuseAnOversizedOrMalformedAnswer() throws Exception {
        String huge = "X-Filler: " + "y".repeat(HttpConnection.MAX_HEAD_BYTES) + "\r\n";
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> ex.send("HTTP/1.1 100 Continue\r\n" + huge + "\r\n")));
             WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            IOException e = assertThrows(IOException.class, () -> t.begin("a.h5", 10));
            assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        }
        try (ScriptedHttpServer s = new ScriptedHttpServer(dav((r, ex) -> ex.send("ICY 200 OK\r\n\r\n")));
             WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, null)) {
            IOException e = assertThrows(IOException.class, () -> t.begin("a.h5", 10));
            assertTrue(e.getMessage().contains("malformed HTTP status line"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new WebDavTarget(URI.create("http://127.0.0.1:1/x"), 1000,
                "Bearer x\r\nX-Injected: 1"), "header injection through the configured Authorization");
    }

    @Test
    void shouldMoveAndVerifyByTheServersDigestOnTheKeptAliveConnectionOfThePut() throws Exception {
        byte[] data = random(300_001, 9);
        String good = String.format("%08x", adler(data));
        try (ScriptedHttpServer s = new ScriptedHttpServer((r, ex) -> {
            switch (r.method()) {
                case "PUT" -> {
                    ex.sendContinue();
                    ex.readBody();
                    ex.reply(201, "");
                }
                case "MOVE" -> ex.reply(201, "");
                case "HEAD" -> ex.send("HTTP/1.1 200 OK\r\nContent-Length: " + data.length + "\r\nDigest: adler32="
                        + (r.target().endsWith("/a.h5") ? good : "00000001") + "\r\n\r\n");
                default -> ex.reply(405, "");
            }
        }); WebDavTarget t = new WebDavTarget(s.url("/pnfs"), 5_000, AUTH)) {
            store(t, "bt/a.h5", data, 1 << 16);
            VerifyOutcome ok = t.verify("bt/a.h5", io.beamflow.archive.FileChecksums.adler32(good), data.length);
            assertTrue(ok.ok(), ok.toString());
            assertEquals("digest:adler32", ok.method());
            VerifyOutcome bad = t.verify("bt/b.h5", io.beamflow.archive.FileChecksums.adler32(good), data.length);
            assertEquals(io.beamflow.archive.catalog.CopyState.CORRUPT, bad.state(), bad.toString());
            VerifyOutcome shorter = t.verify("bt/a.h5", io.beamflow.archive.FileChecksums.adler32(good), data.length + 1);
            assertEquals("size", shorter.method(), shorter.toString());
            ScriptedHttpServer.Request move = s.requests.stream().filter(r -> r.method().equals("MOVE")).findFirst().orElseThrow();
            assertTrue(move.header("destination").endsWith("/pnfs/bt/a.h5"), move.header("destination"));
            assertEquals("T", move.header("overwrite"));
            assertEquals(AUTH, move.header("authorization"));
            ScriptedHttpServer.Request head = s.requests.stream().filter(r -> r.method().equals("HEAD")).findFirst().orElseThrow();
            assertEquals("adler32", head.header("want-digest"));
            assertEquals(AUTH, head.header("authorization"));
            assertEquals(1, s.requests.stream().filter(r -> !r.method().equals("MKCOL"))
                    .map(ScriptedHttpServer.Request::connection).distinct().count(),
                    "PUT, MOVE and the HEADs on one kept-alive connection");
        }
    }
}
