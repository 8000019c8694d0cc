package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.Await;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector that sends its whole series again after the node restarted (it cannot know what the node had
 * journaled) gets every record journaled once: frames, and the series start and end too (found by the chaos
 * drill: a re-sent SERIES_START reached the HDF5 sink after the series had finished and began it anew).
 */
class ResendAfterRestartTest {
    private static final int W = 32;
    private static final int H = 16;

    @TempDir
    Path tmp;

    @Test
    void shouldJournalASeriesStartAndEndOnceWhenTheSeriesIsSentAgainToARestartedNode() {
        IngestConfig config = IngestNodeSimulatorTest.config(tmp, "tcp://127.0.0.1:*");
        String endpoint;
        String stream;
        try (IngestNode first = IngestNode.start(config, new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(first.boundEndpoints().get(0))) {
            endpoint = first.boundEndpoints().get(0);
            stream = first.streamIds().get(0);
            sendSeries(s, 3);
            s.seriesStart("s1", 1, "{}"); // again, to the same node
            Await.until(first::formatSummary, () -> rejected(first, stream, RejectReason.DUPLICATE_SERIES_MARKER) == 1
                    && first.summary(stream).series("s1").ended());
        }
        config.endpoints = List.of(endpoint); // the same port, so the same journal
        try (IngestNode second = IngestNode.start(config, new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(endpoint)) {
            sendSeries(s, 3); // the whole series again
            Await.until(second::formatSummary, () -> second.summary(stream).rejected().values().stream()
                    .mapToLong(Long::longValue).sum() == 5);
            assertEquals(Map.of(RejectReason.DUPLICATE_SERIES_MARKER, 2L, RejectReason.NON_MONOTONIC_FRAME_NUMBER, 2L,
                    RejectReason.DUPLICATE_FRAME_NUMBER, 1L), second.summary(stream).rejected(), second.formatSummary());
        }
        List<Rec> all = JournalRecords.readAll(tmp.resolve(stream));
        assertEquals(List.of("SERIES_START", "FRAME 0", "FRAME 1", "FRAME 2", "SERIES_END"),
                all.stream().map(r -> r.type() == MessageType.FRAME ? "FRAME " + r.frameNumber() : r.type().name())
                        .toList());
    }

    private static void sendSeries(NativeFrameSender s, int frames) {
        s.seriesStart("s1", 1, "{}");
        for (int f = 0; f < frames; f++) {
            s.frame("s1", f, W, H);
        }
        s.seriesEnd("s1", 0, 1, 3);
    }

    private static long rejected(IngestNode node, String stream, RejectReason reason) {
        return node.summary(stream).rejected().getOrDefault(reason, 0L);
    }
}
