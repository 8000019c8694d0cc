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
}
