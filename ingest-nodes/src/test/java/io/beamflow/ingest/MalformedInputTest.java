package io.beamflow.ingest;

import static io.beamflow.testing.NativeFrameSender.header;
import static io.beamflow.testing.NativeFrameSender.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MalformedInputTest {
    @TempDir
    Path tmp;

    private static final int W = 64;
    private static final int H = 32;

    private IngestConfig config(String endpoint) {
        IngestConfig c = IngestNodeSimulatorTest.config(tmp, endpoint);
        c.maxFrameBytes = 1 << 20;
        c.maxHeaderBytes = 4096;
        return c;
    }

    @Test
    void shouldRejectEachMalformedMessageWithItsNamedReasonAndKeepJournalingGoodFrames() {
        String endpoint = "tcp://127.0.0.1:*";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (IngestNode node = IngestNode.start(config(endpoint), registry);
                NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0))) {
            String stream = node.streamIds().get(0);
            byte[] good = header(MessageType.FRAME, "s1", 0, 0, 1, W, H, PixelType.UINT16, W * H * 2L);
            s.send(header(MessageType.SERIES_START, "s1", 0, 0, 1, W, H, PixelType.UINT16, 2), "{}".getBytes());
            s.frame("s1", 0, W, H);
            // truncated header
            s.send(new byte[20], payload(1, W, H));
            // wrong part count
            s.send(header(MessageType.FRAME, "s1", 1, 0, 1, W, H, PixelType.UINT16, W * H * 2L), payload(1, W, H),
                    new byte[3]);
            // a header declaring 10 GiB
            s.send(header(MessageType.FRAME, "s1", 1, 0, 1, 65536, 81920, PixelType.UINT16, 10L << 30), new byte[16]);
            // bad magic
            byte[] badMagic = good.clone();
            badMagic[0] = 'X';
            s.send(badMagic, payload(1, W, H));
            // unknown pixel type
            s.send(header(MessageType.FRAME, "s1", 1, 0, 1, W, H, null, W * H * 2L), payload(1, W, H));
            // shape x pixel size != declared payload length
            s.send(header(MessageType.FRAME, "s1", 1, 0, 1, W, H, PixelType.UINT32, W * H * 2L), payload(1, W, H));
            // declared payload length != actual payload part
            s.send(header(MessageType.FRAME, "s1", 1, 0, 1, W, H, PixelType.UINT16, W * H * 2L), new byte[100]);
            // bad series id
            s.send(header(MessageType.FRAME, "../etc", 1, 0, 1, W, H, PixelType.UINT16, W * H * 2L), payload(1, W, H));
            // bad JSON in series start
            s.send(header(MessageType.SERIES_START, "s2", 0, 0, 1, W, H, PixelType.UINT16, 0),
                    "{not json".getBytes(StandardCharsets.UTF_8));
            // header part larger than the limit
            s.send(new byte[8192], payload(1, W, H));
            s.frame("s1", 1, W, H);
            // duplicate and going backwards
            s.frame("s1", 1, W, H);
            s.frame("s1", 0, W, H);
            // a gap of 2
            s.frame("s1", 4, W, H);
            s.send(header(MessageType.SERIES_END, "s1", 0, 0, 1, W, H, PixelType.UINT16, 5));

            Await.until(node::formatSummary, () -> node.summary(stream).series("s1") != null
                    && node.summary(stream).series("s1").ended());
            StreamSummary sum = node.summary(stream);
            Map<RejectReason, Long> expected = Map.ofEntries(
                    Map.entry(RejectReason.TRUNCATED_HEADER, 1L), Map.entry(RejectReason.WRONG_PART_COUNT, 1L),
                    Map.entry(RejectReason.FRAME_TOO_LARGE, 1L), Map.entry(RejectReason.BAD_MAGIC, 1L),
                    Map.entry(RejectReason.UNKNOWN_PIXEL_TYPE, 1L), Map.entry(RejectReason.PAYLOAD_LENGTH_MISMATCH, 2L),
                    Map.entry(RejectReason.BAD_SERIES_ID, 1L), Map.entry(RejectReason.BAD_JSON, 1L),
                    Map.entry(RejectReason.HEADER_TOO_LARGE, 1L), Map.entry(RejectReason.DUPLICATE_FRAME_NUMBER, 1L),
                    Map.entry(RejectReason.NON_MONOTONIC_FRAME_NUMBER, 1L));
            assertEquals(expected, sum.rejected(), node.formatSummary());
            assertEquals(1.0, registry.get(MetricNames.INGEST_REJECTED).tag("reason", "FRAME_TOO_LARGE").counter()
                    .count());
            assertEquals(3, sum.series("s1").framesReceived());
            assertEquals(2, sum.series("s1").gaps());
            assertEquals(1, sum.series("s1").modules().get(0).rejected().get(RejectReason.DUPLICATE_FRAME_NUMBER));
            List<Rec> frames = JournalRecords.frames(JournalRecords.readAll(node.journalDirectory(stream)));
            assertEquals(List.of(0L, 1L, 4L), frames.stream().map(Rec::frameNumber).toList());
            for (Rec r : frames) {
                assertArrayEquals(payload(r.frameNumber(), W, H), r.body());
            }
        }
    }

    @Test
    void shouldKeepServingAfterFuzzedMessagesAndAccountForEveryOne() {
        String endpoint = "tcp://127.0.0.1:*";
        SplittableRandom rnd = new SplittableRandom(20261125L);
        try (IngestNode node = IngestNode.start(config(endpoint), new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0))) {
            String stream = node.streamIds().get(0);
            int fuzzed = 400;
            for (int i = 0; i < fuzzed; i++) {
                byte[] h = header(MessageType.fromCode(1 + rnd.nextInt(3)), "fz", 1000 + i, 0, 1, W, H,
                        PixelType.UINT16, W * H * 2L);
                byte[] p = payload(i, W, H);
                int mutations = 1 + rnd.nextInt(4);
                for (int m = 0; m < mutations; m++) {
                    switch (rnd.nextInt(5)) {
                        case 0 -> { if (h.length > 0) { h[rnd.nextInt(h.length)] = (byte) rnd.nextInt(256); } }
                        case 1 -> h = java.util.Arrays.copyOf(h, rnd.nextInt(h.length + 8));
                        case 2 -> p = java.util.Arrays.copyOf(p, rnd.nextInt(p.length + 64));
                        case 3 -> { if (h.length >= 64) { h[8 + rnd.nextInt(56)] = (byte) 0xFF; } }
                        default -> p = new byte[rnd.nextInt(16)];
                    }
                }
                int partCount = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(MessagePartsLimit.LIMIT) : 2;
                byte[][] parts = new byte[partCount][];
                parts[0] = h;
                for (int k = 1; k < partCount; k++) {
                    parts[k] = p;
                }
                s.send(parts);
            }
            for (int f = 0; f < 5; f++) {
                s.frame("after-fuzz", f, W, H);
            }
            Await.until(node::formatSummary, () -> {
                StreamSummary x = node.summary(stream);
                return x.series("after-fuzz") != null && x.series("after-fuzz").framesReceived() == 5;
            });
            StreamSummary sum = node.summary(stream);
            assertEquals(fuzzed + 5, sum.messagesReceived());
            long journaledRecords = JournalRecords.readAll(node.journalDirectory(stream)).size();
            assertEquals(sum.messagesReceived(), sum.rejectedTotal() + journaledRecords,
                    "every message is either journaled or rejected: " + node.formatSummary());
            assertTrue(sum.rejectedTotal() > fuzzed / 2, node.formatSummary());
        }
    }

    @Test
    void shouldDropAPartLargerThanTheSocketLimitBeforeAllocatingItAndKeepServing() {
        String endpoint = "tcp://127.0.0.1:*";
        try (IngestNode node = IngestNode.start(config(endpoint), new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0))) {
            String stream = node.streamIds().get(0);
            // 64 MiB part against a 1 MiB frame limit: ZeroMQ's max message size drops the connection
            // after reading the part's size field, so the node never allocates it.
            s.send(header(MessageType.FRAME, "big", 0, 0, 1, 4096, 8192, PixelType.UINT16, 64L << 20),
                    new byte[64 << 20]);
            Await.until(node::formatSummary, () -> {
                s.frame("after-big", 0, W, H);
                StreamSummary x = node.summary(stream);
                return x.series("after-big") != null;
            });
            assertEquals(null, node.summary(stream).series("big"));
            assertTrue(node.summary(stream).disconnects() >= 1, "the dropped connection is counted: "
                    + node.formatSummary());
        }
    }

    /** Part counts the fuzzer uses, up to beyond what the node keeps. */
    private static final class MessagePartsLimit {
        static final int LIMIT = io.beamflow.ingest.receive.MessageParts.MAX_PARTS + 4;
    }
}
