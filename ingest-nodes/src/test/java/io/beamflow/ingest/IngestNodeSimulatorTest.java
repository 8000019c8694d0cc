package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.wire.MessageType;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.receive.ReceiveSockets;
import io.beamflow.ingest.sim.DetectorSimulator;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestNodeSimulatorTest {
    @TempDir
    Path tmp;

    static IngestConfig config(Path journal, String... endpoints) {
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(endpoints);
        c.journalDirectory = journal.toString();
        c.journalBlockSizeBytes = 16L << 20;
        c.journalMinFreeBytes = 1L << 20;
        return c;
    }

    @Test
    void shouldJournalEverySimulatedModulePartBitExactWithSeriesMetadataAndCounters() throws Exception {
        String endpoint = "tcp://127.0.0.1:*";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int frames = 12;
        int modules = 3;
        try (IngestNode node = IngestNode.start(config(tmp, endpoint), registry)) {
            String stream = node.streamIds().get(0);
            DetectorSimulator.Settings settings = new DetectorSimulator.Settings(node.boundEndpoints(), "sim-series_1",
                    frames, 256, 192, 0, 0.5, modules, 7);
            DetectorSimulator.Result result;
            FrameSynthesizer synth;
            try (DetectorSimulator sim = new DetectorSimulator(settings)) {
                result = sim.run();
                synth = sim.synthesizer();
            }
            assertEquals(frames, result.frames());
            Await.until(() -> node.formatSummary(), () -> {
                SeriesSummary s = node.summary(stream).series("sim-series_1");
                return s != null && s.ended();
            });
            StreamSummary summary = node.summary(stream);
            SeriesSummary series = summary.series("sim-series_1");
            assertEquals(frames * modules, series.framesReceived());
            assertEquals(modules, series.modules().size());
            assertEquals(0, series.gaps());
            assertEquals(frames, series.reportedFrames());
            assertEquals(256L * 192 * 2 * frames, series.bytesReceived());
            assertEquals(0, summary.rejectedTotal());
            assertEquals(frames, registry.get(MetricNames.INGEST_FRAMES).tag("series", "sim-series_1")
                    .tag("module", "1").counter().count());
            assertEquals(0, registry.get(MetricNames.INGEST_RECEIVE_MEMORY_OVER_BUDGET).tag("stream", stream)
                    .functionCounter().count(), "receive memory meters registered per stream");
            assertNotNull(registry.find(MetricNames.INGEST_RECEIVE_MEMORY_WAIT).tag("stream", stream).functionCounter());

            List<Rec> all = JournalRecords.readAll(node.journalDirectory(stream));
            assertEquals(MessageType.SERIES_START, all.get(0).type());
            JsonNode meta = new ObjectMapper().readTree(all.get(0).body());
            assertEquals(256, meta.get("width").asInt());
            assertTrue(meta.has("beam_center_x"));
            Rec end = all.get(all.size() - 1);
            assertEquals(MessageType.SERIES_END, end.type());
            assertEquals(frames, end.payloadLength());
            assertEquals(0, end.body().length);

            List<Rec> frameRecs = JournalRecords.frames(all);
            assertEquals(frames * modules, frameRecs.size());
            for (Rec r : frameRecs) {
                byte[] full = FrameSynthesizer.toLittleEndianBytes(synth.frame(r.frameNumber()));
                int[] rows = DetectorSimulator.moduleRows(192, modules, r.moduleIndex());
                byte[] expected = new byte[rows[1] * 256 * 2];
                System.arraycopy(full, rows[0] * 256 * 2, expected, 0, expected.length);
                assertEquals(modules, r.moduleCount());
                assertEquals(rows[1], r.height());
                assertEquals(PixelType.UINT16.code(), r.pixelType());
                assertTrue(r.receiveTimeNs() > 0, "receive time stamped");
                assertArrayEquals(expected, r.body(), "frame " + r.frameNumber() + " module " + r.moduleIndex());
            }
        }
        assertTrue(registry.find(MetricNames.INGEST_FRAMES).counters().isEmpty(), "meters removed on close");
        assertTrue(registry.find(MetricNames.JOURNAL_BYTES).meters().isEmpty(), "journal gauge removed on close");
        assertTrue(registry.find(MetricNames.INGEST_RECEIVE_BUFFERS_ALLOCATED).meters().isEmpty(),
                "receive buffer counter removed on close");
        assertTrue(registry.find(MetricNames.INGEST_RECEIVE_MEMORY_WAITS).meters().isEmpty(),
                "receive memory counters removed on close");
    }

    @Test
    void shouldReportThePortItBoundForAWildcardEndpointAndNameTheStreamAfterIt() {
        try (IngestNode node = IngestNode.start(config(tmp, "tcp://127.0.0.1:*"), new SimpleMeterRegistry())) {
            String bound = node.boundEndpoints().get(0);
            assertTrue(bound.matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*"), bound);
            assertEquals(List.of(ReceiveSockets.streamId(bound)), node.streamIds());
            assertEquals(tmp.resolve(ReceiveSockets.streamId(bound)), node.journalDirectory(node.streamIds().get(0)));
            assertNull(node.journalServerEndpoint(), "no journal server configured");
            try (NativeFrameSender s = new NativeFrameSender(bound)) {
                s.frame("wildcard", 0, 16, 16);
            }
            Await.until(node::formatSummary, () -> node.framesJournaled() == 1);
        }
    }

    @Test
    void shouldFeedEachModuleToItsOwnEndpointAndStreamWithModuleIndices() {
        String a = "tcp://127.0.0.1:*";
        String b = "tcp://127.0.0.1:*";
        try (IngestNode node = IngestNode.start(config(tmp, a, b), new SimpleMeterRegistry())) {
            DetectorSimulator.Settings settings = new DetectorSimulator.Settings(node.boundEndpoints(), "two-streams", 6, 256,
                    128, 0, 0.0, 2, 11);
            FrameSynthesizer synth;
            try (DetectorSimulator sim = new DetectorSimulator(settings)) {
                sim.run();
                synth = sim.synthesizer();
            }
            List<String> streams = node.streamIds();
            assertEquals(2, streams.size());
            for (int m = 0; m < 2; m++) {
                String stream = streams.get(m);
                Await.until(node::formatSummary, () -> {
                    SeriesSummary s = node.summary(stream).series("two-streams");
                    return s != null && s.ended();
                });
                SeriesSummary s = node.summary(stream).series("two-streams");
                assertEquals(1, s.modules().size());
                assertEquals(m, s.modules().get(0).moduleIndex());
                assertEquals(6, s.framesReceived());
                for (Rec r : JournalRecords.frames(JournalRecords.readAll(node.journalDirectory(stream)))) {
                    assertEquals(m, r.moduleIndex());
                    assertEquals(2, r.moduleCount());
                    byte[] full = FrameSynthesizer.toLittleEndianBytes(synth.frame(r.frameNumber()));
                    byte[] expected = java.util.Arrays.copyOfRange(full, m * 64 * 256 * 2, (m + 1) * 64 * 256 * 2);
                    assertArrayEquals(expected, r.body());
                }
            }
        }
    }
}
