package io.beamflow.core.journal;

import java.text.ParseException;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads a journal from an index onwards without copying: each record is offered to the handler as a
 * view of the mapped file. Not thread-safe; one thread per tailer.
 */
public final class JournalTailer implements AutoCloseable {
    private final ExcerptTailer tailer;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private byte[] copy = new byte[0];

    JournalTailer(SingleChronicleQueue queue, long fromIndex) {
        this.tailer = queue.createTailer();
        if (fromIndex >= 0 && !tailer.moveToIndex(fromIndex)) {
            continueAfterMissing(queue, fromIndex);
        }
    }

    /**
     * Positions at the first record after a start index that does not exist: it lies past the last
     * record of its cycle (the next record opened a new cycle, or is not written yet) or its cycle was
     * deleted. Never goes back to records before it.
     */
    private void continueAfterMissing(SingleChronicleQueue queue, long fromIndex) {
        RollCycle rollCycle = queue.rollCycle();
        try {
            int cycle = queue.nextCycle(rollCycle.toCycle(fromIndex), TailerDirection.FORWARD);
            while (cycle >= 0 && cycle != Integer.MAX_VALUE) {
                if (tailer.moveToIndex(rollCycle.toIndex(cycle, 0))) {
                    return;
                }
                cycle = queue.nextCycle(cycle, TailerDirection.FORWARD);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("unreadable journal file name in " + queue.file(), e);
        }
        tailer.toEnd();
    }

    /**
     * Reads at most one record.
     *
     * @param handler receives the record
     * @return 1 if a record was read, 0 if none is available yet
     */
    public int poll(JournalRecordHandler handler) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return 0;
            }
            Bytes<?> bytes = dc.wire().bytes();
            long start = bytes.readPosition();
            int length = (int) bytes.readRemaining();
            long index = dc.index();
            if (bytes.isDirectMemory()) {
                view.wrap(bytes.addressForRead(start), length);
            } else {
                if (copy.length < length) {
                    copy = new byte[length];
                }
                bytes.read(copy, 0, length);
                view.wrap(copy, 0, length);
            }
            handler.onRecord(index, view, 0, length);
            return 1;
        }
    }

    /**
     * Positions at a record, for reading it (and the ones after it) with {@link #poll}.
     *
     * @param index the record's index
     * @return whether the record exists
     */
    public boolean moveTo(long index) {
        return tailer.moveToIndex(index);
    }

    /** @return the index of the next record {@link #poll} reads */
    public long index() {
        return tailer.index();
    }

    @Override
    public void close() {
        tailer.close();
    }
}
