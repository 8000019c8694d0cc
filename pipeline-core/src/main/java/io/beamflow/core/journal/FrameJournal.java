package io.beamflow.core.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.posix.MAdviseFlag;
import net.openhft.posix.PosixAPI;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, append-only journal of validated messages on a Chronicle Queue. Each record is a native
 * header (see {@code NativeHeaderFlyweight}) followed by the body (pixel payload, compressed as received when the
 * header is version 2, or JSON metadata).
 *
 * <p>Appending is single-threaded (the owning agent's thread); tailers may be created from any thread
 * and each used by one thread. A record's index is stable across restarts, so Flink split state can be
 * a journal index.
 */
public final class FrameJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrameJournal.class);
    /** Native calls for {@code madvise}; {@code null} where Chronicle's posix binding is unavailable. */
    private static final PosixAPI POSIX = loadPosix();

    private final SingleChronicleQueue queue;
    private final JournalConfig config;
    private ExcerptAppender appender;
    private BytesStore<?, ?> advisedStore;
    private boolean readAroundAdviceFailed;

    private FrameJournal(JournalConfig config, TimeProvider time) {
        this.config = config;
        try {
            Files.createDirectories(config.directory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal directory " + config.directory(), e);
        }
        SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(config.directory().toFile())
                .rollCycle(rollCycle(config.rollCycle()))
                .blockSize(config.blockSizeBytes());
        if (time != null) {
            builder.timeProvider(time);
        }
        this.queue = builder.build();
    }

    private static PosixAPI loadPosix() {
        try {
            return OS.isLinux() ? PosixAPI.posix() : null;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("no native madvise; journal appends on disk may be "
                    + "slower: {}", e.toString());
            return null;
        }
    }

    /**
     * Opens (or creates) a journal; an existing journal is continued.
     *
     * @param config journal settings
     * @return the open journal
     */
    public static FrameJournal open(JournalConfig config) {
        return new FrameJournal(config, null);
    }

    /** Opens a journal whose roll cycles follow {@code time} (tests). */
    static FrameJournal open(JournalConfig config, TimeProvider time) {
        return new FrameJournal(config, time);
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
     * Appends one record from Agrona buffers, each byte copied once. A large body in a direct buffer
     * (received straight from the socket) is written into the cycle file with a positional
     * {@code write(2)} at the place reserved for it in the record, not through the memory mapping:
     * writing into fresh pages of a mapping costs a page fault and a zero-fill per 4 KiB page, which
     * made the mapped append 2-4x slower than writing the same bytes to a new file. Readers see the
     * same page-cache pages through their mappings; the record becomes visible to them only when its
     * header is completed, after the write returned.
     *
     * @return the index of the appended record
     * @throws UncheckedIOException when the body cannot be written (e.g. the volume is full); nothing is
     *                              appended then
     */
    public long append(DirectBuffer header, int headerOffset, int headerLength,
            DirectBuffer body, int bodyOffset, int bodyLength) {
        ExcerptAppender a = appender();
        try (DocumentContext dc = a.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            try {
                adviseNoReadAround(bytes);
                writeBuffer(bytes, header, headerOffset, headerLength);
                if (bodyLength > 0) {
                    writeBody(bytes, body, bodyOffset, bodyLength);
                }
            } catch (RuntimeException e) {
                dc.rollbackOnClose();
                throw e;
            }
        }
        return a.lastIndexAppended();
    }

    /** Bodies of at least this many bytes in direct buffers go to the file with a positional write. */
    static final int FILE_WRITE_THRESHOLD_BYTES = 64 * 1024;

    /**
     * Turns off read-around for page faults in the chunk being written ({@code madvise(MADV_RANDOM)}),
     * once per mapped chunk. Writing a record header through the mapping into a page that is not yet in
     * the page cache is a page fault, and on a disk-backed file the kernel answers it by "reading" the
     * file's read-ahead window around the page ({@code read_ahead_kb}, 8 MiB on the test machine):
     * zero-filling megabytes of holes that the next bodies then overwrite. Measured: that zeroing was a
     * third of the journal's CPU time and made appends on ext4 2-6x slower than a plain file write.
     */
    private void adviseNoReadAround(Bytes<?> bytes) {
        BytesStore<?, ?> store = bytes.bytesStore();
        if (store == advisedStore || !(store instanceof MappedBytesStore chunk)) {
            return;
        }
        advisedStore = store;
        if (POSIX == null) {
            return;
        }
        long address = chunk.addressForRead(chunk.start());
        long length = chunk.realCapacity() - chunk.start(); // a chunk's capacity counts from the file's start
        if (POSIX.madvise(address, length, MAdviseFlag.MADV_RANDOM) != 0 && !readAroundAdviceFailed) {
            readAroundAdviceFailed = true;
            LOG.warn("journal {}: madvise(MADV_RANDOM) of the chunk at file offset {} ({} bytes at 0x{}) failed "
                    + "({}); appends may be slower", config.directory(), chunk.start(), length,
                    Long.toHexString(address), POSIX.lastErrorStr());
        }
    }

    /** @return whether a {@code madvise} of a mapped chunk failed (logged once) */
    boolean readAroundAdviceFailed() {
        return readAroundAdviceFailed;
    }

    private void writeBody(Bytes<?> bytes, DirectBuffer src, int offset, int length) {
        ByteBuffer buffer = src.byteBuffer();
        if (length < FILE_WRITE_THRESHOLD_BYTES || buffer == null || !buffer.isDirect()
                || !(bytes instanceof MappedBytes mapped)) {
            writeBuffer(bytes, src, offset, length);
            return;
        }
        long filePosition = bytes.writePosition(); // a queue's mapped bytes are addressed by file offset
        bytes.writeSkip(length);
        adviseNoReadAround(bytes);
        int start = src.wrapAdjustment() + offset;
        ByteBuffer view = buffer.duplicate();
        view.clear().position(start).limit(start + length);
        FileChannel channel = mapped.mappedFile().raf().getChannel();
        try {
            while (view.hasRemaining()) {
                filePosition += channel.write(view, filePosition);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a " + length + "-byte record body to "
                    + mapped.mappedFile().file(), e);
        }
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
        int cycle = queue.firstCycle();
        int deleted = 0;
        // Walk the cycles that have files (there may be gaps: no file for a cycle without records).
        while (cycle != Integer.MAX_VALUE && cycle >= 0 && cycle < keepCycle) {
            int next;
            try {
                next = queue.nextCycle(cycle, TailerDirection.FORWARD);
            } catch (ParseException e) {
                throw new IllegalStateException("unreadable journal file name in " + config.directory(), e);
            }
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            if (store != null) {
                File file = store.file();
                queue.closeStore(store);
                if (file != null && file.delete()) {
                    deleted++;
                }
            }
            cycle = next;
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
