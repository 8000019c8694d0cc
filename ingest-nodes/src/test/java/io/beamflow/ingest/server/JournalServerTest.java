package io.beamflow.ingest.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.remote.JournalClient;
import io.beamflow.core.wire.MessageType;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalServerTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReplayTheJournalFromAnyIndexInBatchesToARemoteClient() {
        String endpoint = "tcp://127.0.0.1:*";
        String serverEndpoint = "tcp://127.0.0.1:*";
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(endpoint);
        c.journalDirectory = tmp.toString();
        c.journalBlockSizeBytes = 16L << 20;
        c.journalMinFreeBytes = 1L << 20;
        c.journalServerEndpoint = serverEndpoint;
        c.journalRollCycle = "FAST_HOURLY"; // the server must open the journals as the node writes them
        try (IngestNode node = IngestNode.start(c, new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0));
                JournalClient client = new JournalClient(node.journalServerEndpoint(), 10_000)) {
            assertTrue(node.journalServerEndpoint().matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*"),
                    "the journal server reports the port it bound: " + node.journalServerEndpoint());
            String stream = node.streamIds().get(0);
            for (int f = 0; f < 25; f++) {
                s.frame("srv", f, 200, 100);
            }
            Await.until(node::formatSummary, () -> {
                SeriesSummary x = node.summary(stream).series("srv");
                return x != null && x.framesReceived() == 25;
            });
            assertEquals("[\"" + stream + "\"]", client.streams());
            assertEquals(List.of(stream), client.streamIds());
            assertEquals(0, client.seriesEnds(stream));
            List<Rec> local = JournalRecords.readAll(node.journalDirectory(stream));
            // replay everything in batches of at most 7 records
            List<JournalClient.Record> remote = new ArrayList<>();
            long from = -1;
            while (true) {
                JournalClient.Batch b = client.read(stream, from, 7, 1L << 30);
                assertTrue(b.records().size() <= 7);
                if (b.records().isEmpty()) {
                    break;
                }
                remote.addAll(b.records());
                from = b.nextIndex();
            }
            assertEquals(local.size(), remote.size());
            for (int i = 0; i < local.size(); i++) {
                assertEquals(local.get(i).index(), remote.get(i).index());
                byte[] rec = remote.get(i).record();
                byte[] body = java.util.Arrays.copyOfRange(rec, rec.length - local.get(i).body().length, rec.length);
                assertArrayEquals(local.get(i).body(), body);
                assertArrayEquals(NativeFrameSender.payload(i, 200, 100), body);
            }
            // replay from the middle, by index
            JournalClient.Batch mid = client.read(stream, local.get(10).index(), 3, 1L << 30);
            assertEquals(List.of(local.get(10).index(), local.get(11).index(), local.get(12).index()),
                    mid.records().stream().map(JournalClient.Record::index).toList());
            // byte budget: at least one record even if it exceeds the budget
            assertEquals(1, client.read(stream, local.get(0).index(), 100, 1).records().size());
            client.release(stream, local.get(20).index());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.read("no-such-stream", -1, 1, 1));
            assertTrue(e.getMessage().contains("unknown stream"));
            assertEquals(MessageType.FRAME, local.get(0).type());

            s.send(NativeFrameSender.header(MessageType.SERIES_END, "srv", 0, 0, 1, 200, 100, PixelType.UINT16, 25));
            Await.until(node::formatSummary, () -> client.seriesEnds(stream) == 1);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> client.seriesEnds("no-such-stream"))
                    .getMessage().contains("unknown stream"));
        }
    }
}
