package io.beamflow.core.journal;

import org.agrona.DirectBuffer;

/** Receives journal records while tailing; the buffer is only valid during the call. */
@FunctionalInterface
public interface JournalRecordHandler {
    /**
     * @param index  the record's journal index (resume from {@code index + 1}... use {@link JournalTailer#index()})
     * @param record view of the record bytes: a native header ({@code NativeHeaderFlyweight}) followed by the body
     * @param offset start of the record in {@code record}
     * @param length record length
     */
    void onRecord(long index, DirectBuffer record, int offset, int length);
}
