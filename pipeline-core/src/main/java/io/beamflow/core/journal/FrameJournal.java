package io.beamflow.core.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableSet;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;

/**
 * Durable, append-only journal of validated messages on a Chronicle Queue. Each record is a native
 * header (see {@code NativeHeaderFlyweight}) followed by the body (pixel payload or JSON metadata).
 *
 * <p>Appending is single-threaded (the owning agent's thread); tailers may be created from any thread
 * and each used by one thread. A record's index is stable across restarts, so Flink split state can be
 * a journal index.
 */
public final class FrameJournal implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final JournalConfig config;
    private ExcerptAppender appender;

    private FrameJournal(JournalConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.directory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal directory " + config.directory(), e);
        }
        this.queue = SingleChronicleQueueBuilder.binary(config.directory().toFile())
                .rollCycle(rollCycle(config.rollCycle()))
                .blockSize(config.blockSizeBytes())
                .build();
    }

    /**
     * Opens (or creates) a journal; an existing journal is continued.
     *
     * @param config journal settings
     * @return the open journal
     */
    public static FrameJournal open(JournalConfig config) {
        return new FrameJournal(config);
    }

    static RollCycle rollCycle(String name) {
        try {
            return RollCycles.valueOf(name);
        } catch (IllegalArgumentException e) {
            try {
                // Short cycles (e.g. TEST_SECONDLY) for tests of cycle retention.
                return TestRollCycles.valueOf(name);
            } catch (IllegalArgumentException notTest) {
                throw new IllegalArgumentException("unknown journal roll cycle '" + name + "'", e);
            }
        }
    }

    /** @return this journal's settings */
    public JournalConfig config() {
        return config;
    }

    private ExcerptAppender appender() {
        if (appender == null) {
            appender = queue.createAppender();
        }
        return appender;
    }

    /**
     * Appends one record made of a header and a body, each copied once into the mapped journal file.
     *
     * @return the index of the appended record
     */
    public long append(byte[] header, int headerOffset, int headerLength, byte[] body, int bodyOffset, int bodyLength) {
        ExcerptAppender a = appender();
        try (DocumentContext dc = a.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(header, headerOffset, headerLength);
            if (bodyLength > 0) {
                bytes.write(body, bodyOffset, bodyLength);
            }
        }
        return a.lastIndexAppended();
    }

    /**
     * Appends one record from Agrona buffers (copied once).
     *
     * @return the index of the appended record
     */
    public long append(DirectBuffer header, int headerOffset, int headerLength,
            DirectBuffer body, int bodyOffset, int bodyLength) {
        ExcerptAppender a = appender();
        try (DocumentContext dc = a.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            writeBuffer(bytes, header, headerOffset, headerLength);
            if (bodyLength > 0) {
                writeBuffer(bytes, body, bodyOffset, bodyLength);
            }
        }
        return a.lastIndexAppended();
    }

    private static void writeBuffer(Bytes<?> bytes, DirectBuffer src, int offset, int length) {
        byte[] array = src.byteArray();
        if (array != null) {
            bytes.write(array, src.wrapAdjustment() + offset, length);
        } else {
            long at = bytes.writePosition();
            bytes.writeSkip(length);
            long dst = bytes.addressForWrite(at);
            org.agrona.UnsafeApi.copyMemory(src.addressOffset() + offset, dst, length);
        }
    }

    /**
     * @param fromIndex first index to read; {@link #FIRST} for the start of the journal
     * @return a tailer positioned at {@code fromIndex}
     */
    public JournalTailer tailer(long fromIndex) {
        return new JournalTailer(queue, fromIndex);
    }

    /** Index meaning "from the first record still in the journal". */
    public static final long FIRST = -1L;

    /** @return the index of the last record, or -1 if the journal is empty */
    public long lastIndex() {
        long last = queue.lastIndex();
        return last < 0 ? -1 : last;
    }

    /** @return the index of the first record still present, or -1 if the journal is empty */
    public long firstIndex() {
        long first = queue.firstIndex();
        return first == Long.MAX_VALUE ? -1 : first;
    }

    /**
     * Deletes whole roll-cycle files that hold only records with an index below {@code index}
     * (the cycle containing {@code index} is kept). Called once a completed checkpoint covers them.
     *
     * @param index the lowest index that must be kept
     * @return number of cycle files deleted
     */
    public int deleteCyclesBelow(long index) {
        int keepCycle = queue.rollCycle().toCycle(index);
        int first = queue.firstCycle();
        if (first == Integer.MAX_VALUE || first >= keepCycle) {
            return 0;
        }
        NavigableSet<Long> cycles = queue.listCyclesBetween(first, keepCycle - 1);
        int deleted = 0;
        for (Long cycle : cycles) {
            SingleChronicleQueueStore store = queue.storeForCycle(cycle.intValue(), queue.epoch(), false, null);
            if (store == null) {
                continue;
            }
            File file = store.file();
            queue.closeStore(store);
            if (file != null && file.delete()) {
                deleted++;
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /** @return bytes used by the journal's files on disk */
    public long diskUsageBytes() {
        File[] files = config.directory().toFile().listFiles();
        long total = 0;
        if (files != null) {
            for (File f : files) {
                total += f.length();
            }
        }
        return total;
    }

    /** @return the directory of this journal */
    public Path directory() {
        return config.directory();
    }

    @Override
    public void close() {
        if (appender != null) {
            appender.close();
        }
        queue.close();
    }
}
