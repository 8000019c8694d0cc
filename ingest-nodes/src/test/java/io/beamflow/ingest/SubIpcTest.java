package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;

/** SUB socket mode over an ipc endpoint, fed by a publishing (binding) sender. */
class SubIpcTest {
    @TempDir
    Path tmp;

    @Test
    void shouldJournalFramesFromPublisherOverIpcInSubMode() {
        String endpoint = "ipc://" + tmp.resolve("detector.ipc");
        IngestConfig c = IngestNodeSimulatorTest.config(tmp.resolve("journal"), endpoint);
        c.socketMode = "sub";
        try (NativeFrameSender pub = new NativeFrameSender(endpoint, SocketType.PUB, true);
                IngestNode node = IngestNode.start(c, new SimpleMeterRegistry())) {
            String stream = node.streamIds().get(0);
            // PUB drops until the subscription has arrived: publish until 20 frames are journaled.
            long[] next = {0};
            Await.until(node::formatSummary, () -> {
                pub.frame("pub", next[0]++, 64, 64);
                SeriesSummary s = node.summary(stream).series("pub");
                return s != null && s.framesReceived() >= 20;
            });
            List<Rec> frames = JournalRecords.frames(JournalRecords.readAll(node.journalDirectory(stream)));
            SeriesSummary s = node.summary(stream).series("pub");
            assertEquals(0, s.gaps(), "no gaps once subscribed");
            for (Rec r : frames) {
                assertArrayEquals(NativeFrameSender.payload(r.frameNumber(), 64, 64), r.body());
            }
            assertEquals(stream.startsWith("ipc-"), true, stream);
        }
    }
}
