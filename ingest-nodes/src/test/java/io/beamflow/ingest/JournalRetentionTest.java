package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal cycle files are deleted only below an index a completed checkpoint released. */
class JournalRetentionTest {
    @TempDir
    Path tmp;

    private static long cycleFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendAndAwait(IngestNode node, NativeFrameSender s, String stream, String series) {
        for (int f = 0; f < 5; f++) {
            s.frame(series, f, 64, 64);
        }
        Await.until(node::formatSummary, () -> {
            SeriesSummary x = node.summary(stream).series(series);
            return x != null && x.framesReceived() == 5;
        });
    }

    @Test
    void shouldDeleteOnlyCyclesBelowTheReleasedIndex() throws Exception {
        String endpoint = "tcp://127.0.0.1:*";
        IngestConfig c = IngestNodeSimulatorTest.config(tmp, endpoint);
        c.journalRollCycle = "TEST_SECONDLY";
        try (IngestNode node = IngestNode.start(c, new SimpleMeterRegistry());
                NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0))) {
            String stream = node.streamIds().get(0);
            Path dir = node.journalDirectory(stream);
            sendAndAwait(node, s, stream, "old");
            // The journal's cycles follow the wall clock: once the second after the last "old" append has begun,
            // the next records go to a new one-second cycle.
            long oldSecond = System.currentTimeMillis() / 1000;
            Await.until("the second after " + oldSecond + " (a new journal cycle)",
                    () -> System.currentTimeMillis() / 1000 > oldSecond);
            sendAndAwait(node, s, stream, "new");
            List<Rec> before = JournalRecords.readAll(dir);
            assertEquals(10, before.size());
            assertTrue(cycleFiles(dir) >= 2, "records span two cycles");
            long firstNew = before.get(5).index();
            // Release up to the first needed record: its cycle stays, older cycles go.
            node.releaseJournalBelow(stream, firstNew);
            Await.until(() -> "cycle files: " + cycleFiles(dir), () -> JournalRecords.readAll(dir).size() == 5);
            List<Rec> after = JournalRecords.readAll(dir);
            assertEquals(firstNew, after.get(0).index(), "the released cycle went, the needed one stayed");
            assertEquals(List.of("new"), after.stream().map(Rec::seriesId).distinct().toList());
            // The node keeps journaling after the deletion.
            sendAndAwait(node, s, stream, "later");
            assertEquals(10, JournalRecords.readAll(dir).size());
        }
    }
}
