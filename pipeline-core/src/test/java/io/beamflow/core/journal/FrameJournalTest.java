package io.beamflow.core.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import net.openhft.chronicle.core.time.SetTimeProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.agrona.concurrent.UnsafeBuffer;

class FrameJournalTest {
    @TempDir
    Path dir;

    private static byte[] body(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static List<byte[]> readAll(FrameJournal journal, long from, List<Long> indices) {
        List<byte[]> out = new ArrayList<>();
        try (JournalTailer t = journal.tailer(from)) {
            while (t.poll((index, rec, off, len) -> {
                byte[] copy = new byte[len];
                rec.getBytes(off, copy);
                out.add(copy);
                indices.add(index);
            }) > 0) {
                // drain
            }
        }
        return out;
    }

    @Test
    void shouldTailAppendedRecordsBitExactFromAnyIndex() {
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(dir))) {
            byte[] header = {1, 2, 3, 4};
            List<Long> appended = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                appended.add(journal.append(header, 0, 4, body(i, 300_000), 0, 300_000));
            }
            List<Long> indices = new ArrayList<>();
            List<byte[]> records = readAll(journal, FrameJournal.FIRST, indices);
            assertEquals(20, records.size());
            assertEquals(appended, indices);
            for (int i = 0; i < 20; i++) {
                byte[] rec = records.get(i);
                assertEquals(300_004, rec.length);
                byte[] payload = java.util.Arrays.copyOfRange(rec, 4, rec.length);
                assertArrayEquals(body(i, 300_000), payload);
            }
            List<Long> fromTen = new ArrayList<>();
            assertEquals(10, readAll(journal, appended.get(10), fromTen).size());
            assertEquals(appended.get(10), fromTen.get(0));
        }
    }

    @Test
    void shouldContinueJournalAfterReopen() {
        long firstIndex;
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(dir))) {
            firstIndex = journal.append(new byte[] {9}, 0, 1, body(1, 10), 0, 10);
        }
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(dir))) {
            long second = journal.append(new byte[] {9}, 0, 1, body(2, 10), 0, 10);
            assertTrue(second > firstIndex);
            List<Long> indices = new ArrayList<>();
            assertEquals(2, readAll(journal, FrameJournal.FIRST, indices).size());
            assertEquals(List.of(firstIndex, second), indices);
        }
    }

    @Test
    void shouldNotDeleteTheCycleHoldingTheKeptIndex() {
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(dir))) {
            long idx = journal.append(new byte[] {1}, 0, 1, body(1, 10), 0, 10);
            assertEquals(0, journal.deleteCyclesBelow(idx));
            List<Long> indices = new ArrayList<>();
            assertEquals(1, readAll(journal, FrameJournal.FIRST, indices).size());
        }
    }

    @Test
    void shouldDeleteCyclesBelowTheKeptOneAcrossCyclesWithoutFiles() {
        SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        JournalConfig c = new JournalConfig(dir, "TEST_SECONDLY", JournalConfig.DEFAULT_BLOCK_SIZE);
        try (FrameJournal journal = FrameJournal.open(c, time)) {
            journal.append(new byte[] {1}, 0, 1, body(1, 10), 0, 10);
            time.advanceMillis(1_000);
            journal.append(new byte[] {2}, 0, 1, body(2, 10), 0, 10);
            time.advanceMillis(3_000); // two seconds without records: no files for those cycles
            long kept = journal.append(new byte[] {3}, 0, 1, body(3, 10), 0, 10);
            assertEquals(2, journal.deleteCyclesBelow(kept));
            List<Long> indices = new ArrayList<>();
            List<byte[]> left = readAll(journal, FrameJournal.FIRST, indices);
            assertEquals(List.of(kept), indices);
            assertEquals(3, left.get(0)[0]);
            assertEquals(0, journal.deleteCyclesBelow(kept), "nothing left to delete");
            time.advanceMillis(1_000);
            assertTrue(journal.append(new byte[] {4}, 0, 1, body(4, 10), 0, 10) > kept, "journal continues");
        }
    }

    @Test
    void shouldResumeAfterTheLastRecordReadWhenTheNextOneOpenedANewCycle() {
        SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        JournalConfig c = new JournalConfig(dir, "TEST_SECONDLY", JournalConfig.DEFAULT_BLOCK_SIZE);
        try (FrameJournal journal = FrameJournal.open(c, time)) {
            journal.append(new byte[] {1}, 0, 1, body(1, 10), 0, 10);
            long lastRead = journal.append(new byte[] {2}, 0, 1, body(2, 10), 0, 10);
            long next = lastRead + 1; // what a reader checkpoints: the index after the last record it read
            List<Long> none = new ArrayList<>();
            assertEquals(0, readAll(journal, next, none).size(), "nothing after the last record yet");
            time.advanceMillis(3_000);
            long inNewCycle = journal.append(new byte[] {3}, 0, 1, body(3, 10), 0, 10);
            List<Long> indices = new ArrayList<>();
            readAll(journal, next, indices);
            assertEquals(List.of(inNewCycle), indices, "resumes at the next record, never replays the old ones");
        }
    }

    @Test
    void shouldWriteDirectBodiesBitExactAcrossChunksAndCyclesWhileATailerReadsThem() throws Exception {
        SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L);
        // 4 MiB blocks: 300 kB bodies cross chunk boundaries every few records
        JournalConfig c = new JournalConfig(dir, "TEST_SECONDLY", 4L << 20);
        int records = 60;
        int bodyLength = 300_000;
        ByteBuffer receive = ByteBuffer.allocateDirect(bodyLength + 1000);
        UnsafeBuffer header = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        UnsafeBuffer bodyView = new UnsafeBuffer(new byte[0]);
        try (FrameJournal journal = FrameJournal.open(c, time)) {
            java.util.concurrent.atomic.AtomicReference<String> mismatch = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicInteger tailed = new java.util.concurrent.atomic.AtomicInteger();
            Thread tailer = new Thread(() -> {
                long deadline = System.nanoTime() + 30_000_000_000L;
                try (JournalTailer t = journal.tailer(FrameJournal.FIRST)) {
                    while (tailed.get() < records && System.nanoTime() < deadline) {
                        t.poll((index, rec, off, len) -> {
                            int i = rec.getInt(off);
                            byte[] got = new byte[len - 16];
                            rec.getBytes(off + 16, got);
                            if (len != 16 + bodyLength(i, bodyLength) || !java.util.Arrays.equals(got,
                                    body(i, bodyLength(i, bodyLength)))) {
                                mismatch.compareAndSet(null, "record " + i + " differs");
                            }
                            tailed.incrementAndGet();
                        });
                    }
                }
            });
            tailer.start();
            for (int i = 0; i < records; i++) {
                int length = bodyLength(i, bodyLength);
                int offset = i % 7; // the part sits at an offset inside the receive buffer
                receive.clear();
                receive.position(offset);
                receive.put(body(i, length));
                bodyView.wrap(receive, 0, receive.capacity());
                header.putInt(0, i);
                journal.append(header, 0, 16, bodyView, offset, length);
                if (i % 20 == 19) {
                    time.advanceMillis(1_000); // next roll cycle
                }
            }
            tailer.join(60_000);
            assertEquals(records, tailed.get(), "tailer saw every record");
            assertFalse(journal.readAroundAdviceFailed(), "madvise accepted every chunk's range");
            assertEquals(null, mismatch.get());
            assertTrue(java.nio.file.Files.list(dir).filter(p -> p.toString().endsWith(".cq4")).count() >= 3,
                    "records spread over several cycle files");
            List<Long> indices = new ArrayList<>();
            List<byte[]> all = readAll(journal, FrameJournal.FIRST, indices);
            assertEquals(records, all.size());
            for (int i = 0; i < records; i++) {
                byte[] rec = all.get(i);
                assertArrayEquals(body(i, bodyLength(i, bodyLength)), java.util.Arrays.copyOfRange(rec, 16, rec.length));
            }
        }
    }

    /** Every third body is below the positional-write threshold, so both write paths interleave. */
    private static int bodyLength(int i, int large) {
        return i % 3 == 2 ? 1000 + i : large + i;
    }
}
