package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.journal.JournalRecordHandler;
import io.beamflow.core.journal.JournalTailer;

/** Tails a journal on this host without copying. */
final class LocalJournalCursor implements JournalCursor {
    private final FrameJournal journal;
    private final JournalTailer tailer;

    LocalJournalCursor(JournalConfig config, long fromIndex) {
        this.journal = FrameJournal.open(config);
        this.tailer = journal.tailer(fromIndex);
    }

    @Override
    public int poll(JournalRecordHandler handler) {
        return tailer.poll(handler);
    }

    @Override
    public void close() {
        tailer.close();
        journal.close();
    }
}
