package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.JournalSettings;
import io.beamflow.reduce.flink.source.reader.JournalSplitReader;
import io.beamflow.reduce.flink.source.reader.LiveFrameSampler;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live path's split reader takes the newest frame in the journal, never a queue of older ones: each fetch reads
 * the headers up to the journal's end and emits every series marker, but of the frames only the newest (and a
 * series' last before its end), as a reference the reduction resolves.
 */
class LiveSplitReaderTest {
    private static final long INTERVAL_NS = 100_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong monotonicNs = new AtomicLong(1_000_000_000L);

    private JournalSplitReader reader(Path journal, long intervalNs) {
        return reader(journal, intervalNs, monotonicNs::get);
    }

    private JournalSplitReader reader(Path journal, long intervalNs, java.util.function.LongSupplier clockNs) {
        JournalSettings settings = new JournalSettings(JournalConfig.of(journal).rollCycle(),
                JournalConfig.of(journal).blockSizeBytes());
        // the fixture stamps frames with System.nanoTime() as their receive time: that clock says they are fresh
        JournalSplitReader reader = new JournalSplitReader(WireLimits.DEFAULT, 64, 0, new SimpleCounter(), settings,
                1000, new SimpleCounter(),
                () -> new LiveFrameSampler(intervalNs, 1_000_000_000L, clockNs, System::nanoTime));
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(
                new JournalSplit("stream-a", journal.toString(), JournalSplit.FROM_FIRST, 0))));
        return reader;
    }

    private static List<JournalRecord> fetch(JournalSplitReader reader) throws java.io.IOException {
        List<JournalRecord> out = new ArrayList<>();
        RecordsWithSplitIds<JournalRecord> batch = reader.fetch();
        while (batch.nextSplit() != null) {
            for (JournalRecord r = batch.nextRecordFromSplit(); r != null; r = batch.nextRecordFromSplit()) {
                out.add(r);
            }
        }
        return out;
    }

    private static String describe(List<JournalRecord> records) {
        StringBuilder b = new StringBuilder();
        for (JournalRecord r : records) {
            b.append(b.length() == 0 ? "" : " ").append(r.type == MessageType.FRAME ? "F" + r.frameNumber
                    : r.type == MessageType.SERIES_START ? "start" : "end");
        }
        return b.toString();
    }

    @Test
    void shouldTakeOnlyTheNewestFrameAsAReferenceAndEverySeriesMarker() throws Exception {
        Path journal = dir.resolve("stream-a");
        try (JournalFixture fixture = new JournalFixture(dir, "stream-a");
                JournalSplitReader reader = reader(journal, INTERVAL_NS)) {
            fixture.seriesStart("s", "{}");
            for (int f = 0; f < 10; f++) {
                fixture.frame("s", f, 0, 1, 4, 3, new byte[24]);
            }
            List<JournalRecord> first = fetch(reader);
            assertEquals("start F9", describe(first), "frames 0-8 are older than 9: skipped");
            JournalRecord frame = first.get(1);
            assertNull(frame.payload, "the pixels stay in the journal");
            assertEquals(journal.toString(), frame.journalDirectory);

            fixture.frame("s", 10, 0, 1, 4, 3, new byte[24]);
            assertEquals("", describe(fetch(reader)), "within the interval: nothing, frame 10 is kept");
            fixture.frame("s", 11, 0, 1, 4, 3, new byte[24]);
            monotonicNs.addAndGet(INTERVAL_NS);
            assertEquals("F11", describe(fetch(reader)), "the newest when the interval has passed");

            monotonicNs.addAndGet(INTERVAL_NS);
            for (int f = 12; f < 20; f++) {
                fixture.frame("s", f, 0, 1, 4, 3, new byte[24]);
            }
            fixture.seriesEnd("s", 20);
            fixture.seriesStart("t", "{}");
            fixture.frame("t", 0, 0, 1, 4, 3, new byte[24]);
            assertEquals("F19 end start", describe(fetch(reader)),
                    "a series' newest frame before its end; the next series' frame waits for the interval");
            monotonicNs.addAndGet(INTERVAL_NS);
            assertEquals("F0", describe(fetch(reader)));
        }
    }

    @Test
    void shouldTakeEveryFreshFrameWithoutARateLimit() throws Exception {
        Path journal = dir.resolve("stream-a");
        try (JournalFixture fixture = new JournalFixture(dir, "stream-a");
                JournalSplitReader reader = reader(journal, 1, monotonicNs::incrementAndGet)) {
            fixture.seriesStart("s", "{}");
            for (int f = 0; f < 5; f++) {
                fixture.frame("s", f, 0, 1, 4, 3, new byte[24]);
            }
            fixture.seriesEnd("s", 5);
            assertEquals("start F0 F1 F2 F3 F4 end", describe(fetch(reader)));
        }
    }
}
