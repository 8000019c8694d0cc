package io.beamflow.ingest;

import static io.beamflow.testing.NativeFrameSender.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.testing.Await;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.beamflow.core.metrics.MetricNames;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile native-protocol senders against a running ingest node on loopback: sizes whose products
 * overflow, negative numbers, series metadata announcing more pixels than a frame may have. Each is
 * rejected with its named reason, none is journaled, and a good series afterwards is.
 */
class IngestAbuseTest {
    @TempDir
    Path tmp;

    private static final int W = 64;
    private static final int H = 32;

    private IngestConfig config() {
        IngestConfig c = IngestNodeSimulatorTest.config(tmp, "tcp://127.0.0.1:*");
        c.maxFrameBytes = 1 << 20;
        c.maxHeaderBytes = 4096;
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRejectHeadersWhoseSizesOverflowOrAreNegativeWithNamedReasons() {
        try (IngestNode node = IngestNode.start(config(), new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0))) {
            String stream = node.streamIds().get(0);
            int max = Integer.MAX_VALUE;
            // (long) w * h * 4 wraps to -17179869180 for w = h = 2^31 - 1
            long wrapped = (long) max * max * 4;
            s.send(header(MessageType.FRAME, "a", 0, 0, 1, max, max, PixelType.UINT32, 4), new byte[4]);
            s.send(header(MessageType.FRAME, "a", 0, 0, 1, max, max, PixelType.UINT32, wrapped), new byte[4]);
            s.send(header(MessageType.FRAME, "a", 0, 0, 1, W, H, PixelType.UINT16, -1), new byte[0]);
            s.send(header(MessageType.FRAME, "a", -5, 0, 1, W, H, PixelType.UINT16, W * H * 2L), new byte[W * H * 2]);
            s.send(header(MessageType.SERIES_END, "a", 0, 0, 1, 0, 0, null, -1));
            s.send(header(MessageType.SERIES_START, "a", 0, 0, 1, -1, 5, PixelType.UINT16, 0), utf8("{}"));
            s.send(header(MessageType.SERIES_START, "a", 0, 0, 1, max, max, PixelType.UINT16, 0), utf8("{}"));
            // the metadata the reducers take the image shape from: 46341 * 46341 overflows an int
            s.send(header(MessageType.SERIES_START, "b", 0, 0, 1, 0, 0, null, 0),
                    utf8("{\"width\":46341,\"height\":46341}"));
            s.send(header(MessageType.SERIES_START, "b", 0, 0, 1, 0, 0, null, 0),
                    utf8("{\"x_pixels_in_detector\":4096.5,\"y_pixels_in_detector\":2}"));
            s.send(header(MessageType.SERIES_START, "b", 0, 0, 1, 0, 0, null, 0), utf8("{\"width\":-64,\"height\":32}"));
            s.send(header(MessageType.SERIES_START, "b", 0, 0, 1, 0, 0, null, 0), utf8("{\"width\":64}"));
            s.send(header(MessageType.SERIES_START, "b", 0, 0, 1, 0, 0, null, 0),
                    utf8("[".repeat(2000) + "]".repeat(2000)));
            s.send(header(MessageType.SERIES_START, "b", 0, 0, 1, 0, 0, null, 0), new byte[] {'{', '"', (byte) 0xC3,
                '"', ':', '1', '}'});
            s.send(header(MessageType.SERIES_START, "good", 0, 0, 1, W, H, PixelType.UINT16, 0),
                    utf8("{\"width\":64,\"height\":32}"));
            s.frame("good", 0, W, H);
            s.send(header(MessageType.SERIES_END, "good", 0, 0, 1, W, H, PixelType.UINT16, 1));

            Await.until(node::formatSummary, () -> node.summary(stream).series("good") != null
                    && node.summary(stream).series("good").ended());
            StreamSummary sum = node.summary(stream);
            Map<RejectReason, Long> expected = Map.of(RejectReason.FRAME_TOO_LARGE, 2L, RejectReason.BAD_NUMBER, 4L,
                    RejectReason.BAD_SHAPE, 5L, RejectReason.BAD_JSON, 2L);
            assertEquals(expected, sum.rejected(), node.formatSummary());
            assertFalse(sum.series("b").started(), "no SERIES_START of b was journaled");
            assertEquals(3, JournalRecords.readAll(node.journalDirectory(stream)).size(), node.formatSummary());
            assertEquals(sum.messagesReceived(), sum.rejectedTotal() + 3);
        }
    }

    /**
     * A ZMTP 3.0 peer speaking straight to a TCP socket, as an attacker would: a ZeroMQ library only
     * puts a multipart message on the wire once its last part is sent, so it cannot send a message
     * that never ends.
     */
    private static final class RawZmtpPusher implements AutoCloseable {
        private final Socket socket = new Socket();
        private final OutputStream out;

        RawZmtpPusher(String endpoint) throws IOException {
            URI uri = URI.create(endpoint);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            byte[] greeting = new byte[64];
            greeting[0] = (byte) 0xFF;
            greeting[8] = 1; // the ZMTP 1.0 length field of the signature
            greeting[9] = 0x7F;
            greeting[10] = 3; // version 3.0
            System.arraycopy("NULL".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 4);
            out.write(greeting);
            byte[] ready = utf8("\u0005READY\u000bSocket-Type\u0000\u0000\u0000\u0004PUSH");
            out.write(0x04); // short command
            out.write(ready.length);
            out.write(ready);
            out.flush();
            // a peer sends messages only once the handshake is done: the node's greeting and READY read
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            in.readFully(new byte[64]);
            int flags = in.readUnsignedByte();
            in.readFully(new byte[(flags & 0x02) != 0 ? (int) in.readLong() : in.readUnsignedByte()]);
        }

        void part(byte[] body, boolean more) throws IOException {
            if (body.length < 256) {
                out.write(more ? 0x01 : 0x00);
                out.write(body.length);
            } else {
                out.write(more ? 0x03 : 0x02);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    out.write((int) ((long) body.length >>> shift) & 0xFF);
                }
            }
            out.write(body);
        }

        void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void shouldCutOffAMessageThatNeverEndsWhileItArrivesAndKeepServing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (IngestNode node = IngestNode.start(config(), registry);
                RawZmtpPusher attacker = new RawZmtpPusher(node.boundEndpoints().get(0));
                NativeFrameSender good = new NativeFrameSender(node.boundEndpoints().get(0))) {
            String stream = node.streamIds().get(0);
            int parts = 3_000_000;
            byte[] empty = new byte[0];
            for (int i = 0; i < parts; i++) {
                attacker.part(empty, true); // never the last part
            }
            attacker.flush();
            // ZeroMQ makes a message readable only once it is complete; without the bound the node sees
            // nothing of this one and holds every part (about 400 MB) until the connection closes.
            Await.until(node::formatSummary, () -> registry.find(MetricNames.INGEST_DISCARDED_PARTS).functionCounter()
                    .count() >= parts - 2L * io.beamflow.ingest.receive.MessageParts.MAX_PARTS);
            assertEquals(1, node.summary(stream).rejected(RejectReason.MESSAGE_TOO_LARGE), node.formatSummary());
            assertEquals(1, node.summary(stream).messagesReceived(), "one message, rejected once");
            attacker.part(empty, false); // the end of that message: dropped too

            // a message of 12 parts of 900 KB (each within the 1 MiB part limit) exceeds 4 x the part limit
            byte[] big = new byte[900 * 1024];
            for (int i = 0; i < 12; i++) {
                attacker.part(big, i < 11);
            }
            attacker.flush();
            Await.until(node::formatSummary, () -> node.summary(stream).rejected(RejectReason.MESSAGE_TOO_LARGE) == 2);

            good.frame("after", 0, W, H);
            Await.until(node::formatSummary, () -> node.summary(stream).series("after") != null
                    && node.summary(stream).series("after").framesReceived() == 1);
            assertEquals(2, node.summary(stream).rejectedTotal(), node.formatSummary());
        }
    }
}
