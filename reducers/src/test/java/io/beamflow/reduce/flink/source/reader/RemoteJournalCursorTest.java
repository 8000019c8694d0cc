package io.beamflow.reduce.flink.source.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.journal.remote.JournalClient;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.ingest.IngestNode;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading a stream through a real ingest node's journal server, across a restart of that node. */
class RemoteJournalCursorTest {
    private static final int W = 32;
    private static final int H = 16;

    @TempDir
    Path dir;

    private final long[] nowNs = {0};
    private final NativeHeaderFlyweight header = new NativeHeaderFlyweight();

    private IngestConfig config(String receiveEndpoint, String serverEndpoint) {
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(receiveEndpoint);
        c.journalDirectory = dir.resolve("journal").toString();
        c.journalBlockSizeBytes = 16L << 20;
        c.journalMinFreeBytes = 1L << 20;
        c.journalServerEndpoint = serverEndpoint;
        return c;
    }

    private static byte[] pixels(long frame) {
        byte[] p = new byte[W * H * 2];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (frame * 7 + i);
        }
        return p;
    }

    /** Polls until {@code n} records were read or {@code timeoutS} passed, moving the injected clock on. */
    private List<Long> read(RemoteJournalCursor cursor, int n, int timeoutS) throws InterruptedException {
        List<Long> frames = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        while (frames.size() < n && System.nanoTime() < deadline) {
            int got = cursor.poll((index, buffer, offset, length) -> {
                assertTrue(header.wrap(buffer, offset, length));
                assertEquals(MessageType.FRAME, header.messageType());
                byte[] body = new byte[length - header.encodedLength()];
                buffer.getBytes(offset + header.encodedLength(), body);
                assertArrayEquals(pixels(header.frameNumber()), body, "pixels of frame " + header.frameNumber());
                frames.add(header.frameNumber());
            });
            if (got == 0) {
                nowNs[0] += RemoteJournalCursor.RETRY_AFTER_ERROR_NS;
                Thread.sleep(5);
            }
        }
        return frames;
    }

    @Test
    @Timeout(120)
    void shouldKeepItsPositionAndResumeWithoutGapOrRepeatWhenTheJournalServerWasAway() throws Exception {
        SimpleCounter errors = new SimpleCounter();
        IngestNode node = IngestNode.start(config("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"), new SimpleMeterRegistry());
        // The restarted node binds the ports the first one chose (and so continues its journal).
        String receiveEndpoint = node.boundEndpoints().get(0);
        String serverEndpoint = node.journalServerEndpoint();
        String stream = node.streamIds().get(0);
        try (JournalClient client = new JournalClient(serverEndpoint, 300);
                RemoteJournalCursor cursor = new RemoteJournalCursor(client, stream, -1, 4, 1L << 20, errors,
                        () -> nowNs[0])) {
            try (NativeFrameSender sender = new NativeFrameSender(receiveEndpoint)) {
                for (int f = 0; f < 10; f++) {
                    sender.frame("away", f, 0, 1, W, H, pixels(f));
                }
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), read(cursor, 6, 20), "first six frames, in order");
            node.close();

            // Batches hold at most 4 records and the last one held frame 5 or earlier: at most 3 later frames
            // were fetched before the node stopped; they are handed out, then the server is gone.
            List<Long> whileAway = read(cursor, 4, 2);
            assertTrue(whileAway.size() <= 3, "only frames fetched before the node stopped: " + whileAway);
            long failures = errors.getCount();
            assertTrue(failures >= 1, "failed requests are counted");
            assertEquals(0, cursor.poll((i, b, o, l) -> { }), "the retry time has come: a request, and it fails");
            assertEquals(failures + 1, errors.getCount());
            assertEquals(0, cursor.poll((i, b, o, l) -> { }), "no request before the next retry time");
            assertEquals(failures + 1, errors.getCount(), "no request before the next retry time");

            node = IngestNode.start(config(receiveEndpoint, serverEndpoint), new SimpleMeterRegistry());
            try (NativeFrameSender sender = new NativeFrameSender(receiveEndpoint)) {
                for (int f = 10; f < 15; f++) {
                    sender.frame("away", f, 0, 1, W, H, pixels(f));
                }
            }
            List<Long> all = new ArrayList<>(List.of(0L, 1L, 2L, 3L, 4L, 5L));
            all.addAll(whileAway);
            all.addAll(read(cursor, 15 - all.size(), 20));
            assertEquals(java.util.stream.LongStream.range(0, 15).boxed().toList(), all,
                    "every frame once, in order, across the node's restart");
        } finally {
            node.close();
        }
    }
}
