package io.beamflow.core.journal;

import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;

/**
 * Counts the SERIES_END records of one journal by tailing it from its first record and reading only the
 * record headers. Incremental: each {@link #poll} continues where the last one stopped. Not thread-safe.
 */
public final class SeriesEndCounter implements AutoCloseable {
    /** Most records one {@link #poll} reads. */
    public static final int RECORDS_PER_POLL = 16_384;

    private final FrameJournal journal;
    private final boolean ownsJournal;
    private final JournalTailer tailer;
    private final NativeHeaderFlyweight header = new NativeHeaderFlyweight();
    private long seriesEnds;
    private final JournalRecordHandler countSeriesEnd = (index, buffer, offset, length) -> {
        if (header.wrap(buffer, offset, length) && header.messageType() == MessageType.SERIES_END) {
            seriesEnds++;
        }
    };

    private SeriesEndCounter(FrameJournal journal, boolean ownsJournal) {
        this.journal = journal;
        this.ownsJournal = ownsJournal;
        this.tailer = journal.tailer(FrameJournal.FIRST);
    }

    /**
     * @param config the journal to open read-only; closed with this counter
     * @return a counter at the journal's first record
     */
    public static SeriesEndCounter open(JournalConfig config) {
        return new SeriesEndCounter(FrameJournal.open(config), true);
    }

    /**
     * @param journal an open journal, still owned (and closed) by the caller
     * @return a counter at the journal's first record
     */
    public static SeriesEndCounter over(FrameJournal journal) {
        return new SeriesEndCounter(journal, false);
    }

    /**
     * Reads on from where the last call stopped, at most {@link #RECORDS_PER_POLL} records, so that a
     * caller on an agent's or task's thread is never held by a long journal; ask again to count further.
     *
     * @return SERIES_END records seen so far
     */
    public long poll() {
        for (int i = 0; i < RECORDS_PER_POLL; i++) {
            if (tailer.poll(countSeriesEnd) == 0) {
                break;
            }
        }
        return seriesEnds;
    }

    @Override
    public void close() {
        tailer.close();
        if (ownsJournal) {
            journal.close();
        }
    }
}
