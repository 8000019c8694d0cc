package io.beamflow.core.journal;

import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;

/**
 * Counts the SERIES_END records of one journal by tailing it from its first record and reading only the
 * record headers. Incremental: each {@link #poll} continues where the last one stopped. Not thread-safe.
 */
public final class SeriesEndCounter implements AutoCloseable {
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
     * Reads the records written since the last call, up to {@code maxRecords}.
     *
     * @param maxRecords most records to read in this call
     * @return SERIES_END records seen so far
     */
    public long poll(int maxRecords) {
        for (int i = 0; i < maxRecords; i++) {
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
