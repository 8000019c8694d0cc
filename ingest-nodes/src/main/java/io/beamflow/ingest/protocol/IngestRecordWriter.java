package io.beamflow.ingest.protocol;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.StreamAccounting;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The single path from a validated message to the journal, shared by all protocol adapters: checks
 * the frame number against the series and module, stamps the receive time into the native header,
 * appends header + body (one copy into the journal file; see {@code FrameJournal#append}), and only
 * then counts the record.
 */
public final class IngestRecordWriter {
    private final FrameJournal journal;
    private final StreamAccounting accounting;
    private final EpochNanoClock clock;
    private final NativeHeaderFlyweight flyweight = new NativeHeaderFlyweight();

    /**
     * @param journal    the stream's journal
     * @param accounting the stream's counters
     * @param clock      receive-time clock
     */
    public IngestRecordWriter(FrameJournal journal, StreamAccounting accounting, EpochNanoClock clock) {
        this.journal = journal;
        this.accounting = accounting;
        this.clock = clock;
    }

    /** @return the stream's counters */
    public StreamAccounting accounting() {
        return accounting;
    }

    /**
     * Journals a record whose native header has been validated.
     *
     * @param header       buffer holding a valid native header at offset 0 (its receive time is overwritten)
     * @param headerLength header length in bytes
     * @param seriesId     the header's series id (already decoded by the caller)
     * @param body         body (pixels for FRAME, JSON for SERIES_START, {@code null} for SERIES_END)
     * @return {@code true} if journaled, {@code false} if rejected for its frame number or as a repeated series start or end
     */
    public boolean write(UnsafeBuffer header, int headerLength, String seriesId, DirectBuffer body, int bodyOffset,
            int bodyLength) {
        flyweight.wrap(header, 0, headerLength);
        MessageType type = flyweight.messageType();
        if (type == MessageType.FRAME) {
            RejectReason r = accounting.checkFrameNumber(seriesId, flyweight.moduleIndex(), flyweight.frameNumber());
            if (r != null) {
                accounting.rejected(r, seriesId, flyweight.moduleIndex(), "frame " + flyweight.frameNumber());
                return false;
            }
        } else if (type == MessageType.SERIES_START || type == MessageType.SERIES_END) {
            RejectReason r = accounting.checkSeriesMarker(seriesId, flyweight.moduleIndex(),
                    type == MessageType.SERIES_END);
            if (r != null) {
                accounting.rejected(r, seriesId, flyweight.moduleIndex(), type + " again");
                return false;
            }
        }
        flyweight.receiveTimeNs(header, clock.nanoTime());
        long index = journal.append(header, 0, flyweight.encodedLength(), body == null ? header : body,
                bodyOffset, type == MessageType.SERIES_END || body == null ? 0 : bodyLength);
        switch (type) {
            case FRAME -> accounting.frameJournaled(seriesId, flyweight.moduleIndex(), flyweight.frameNumber(),
                    bodyLength, index);
            case SERIES_START -> accounting.seriesStarted(seriesId, flyweight.moduleIndex(), index);
            case SERIES_END -> accounting.seriesEnded(seriesId, flyweight.moduleIndex(), flyweight.payloadLength(),
                    index);
            default -> throw new IllegalStateException("unhandled message type " + type);
        }
        return true;
    }

    /**
     * Counts and logs a rejection.
     *
     * @param seriesId    series, or {@code null} if not known
     * @param moduleIndex module, or -1 if not known
     * @return always {@code false}, so adapters can {@code return writer.reject(...)}
     */
    public boolean reject(RejectReason reason, String seriesId, int moduleIndex, String detail) {
        accounting.rejected(reason, seriesId, moduleIndex, detail);
        return false;
    }
}
