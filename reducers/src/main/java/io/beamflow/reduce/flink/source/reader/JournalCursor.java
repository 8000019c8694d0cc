package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.journal.JournalRecordHandler;

/** Reads one split's journal a record at a time, from a local journal or from a journal server. */
interface JournalCursor extends AutoCloseable {
    /**
     * Reads at most one record.
     *
     * @param handler receives the record; its buffer is valid only during the call
     * @return 1 if a record was read, 0 if none is available now
     */
    int poll(JournalRecordHandler handler);

    @Override
    void close();
}
