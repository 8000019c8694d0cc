package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.JournalSettings;
import io.beamflow.reduce.flink.source.reader.JournalPixelReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reduction subtask reads the pixels of frames that reached it as references, by journal index. */
class JournalPixelReaderTest {
    @TempDir
    Path dir;

    private static byte[] pixels(int frame) {
        byte[] p = new byte[4 * 3 * 2];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (frame * 31 + i);
        }
        return p;
    }

    @Test
    void shouldReadEachFramesPixelsByIndexInAnyOrderAndRefuseMarkersAndMissingRecords() {
        Path journal = dir.resolve("stream-a");
        try (JournalFixture fixture = new JournalFixture(dir, "stream-a")) {
            fixture.seriesStart("s", "{}");
            for (int f = 0; f < 3; f++) {
                fixture.frame("s", f, 0, 1, 4, 3, pixels(f));
            }
            fixture.seriesEnd("s", 3);
        }
        List<Long> indices = new ArrayList<>();
        try (FrameJournal j = FrameJournal.open(JournalConfig.of(journal)); JournalTailer t = j.tailer(-1)) {
            while (t.poll((index, buffer, offset, length) -> indices.add(index)) > 0) {
                // collects the index of every record: start, three frames, end
            }
        }
        JournalSettings settings = new JournalSettings(JournalConfig.of(journal).rollCycle(),
                JournalConfig.of(journal).blockSizeBytes());
        try (JournalPixelReader reader = new JournalPixelReader(settings, WireLimits.DEFAULT)) {
            assertArrayEquals(pixels(2), reader.read(journal.toString(), indices.get(3)));
            assertArrayEquals(pixels(0), reader.read(journal.toString(), indices.get(1)), "backwards too");
            assertArrayEquals(pixels(1), reader.read(journal.toString(), indices.get(2)));
            assertNull(reader.read(journal.toString(), indices.get(0)), "a series marker has no pixels");
            assertTrue(reader.lastError().contains("SERIES_START"), reader.lastError());
            assertNull(reader.read(journal.toString(), indices.get(4) + 1000), "no such record");
            assertTrue(reader.lastError().contains("not in the journal"), reader.lastError());
        }
    }
}
