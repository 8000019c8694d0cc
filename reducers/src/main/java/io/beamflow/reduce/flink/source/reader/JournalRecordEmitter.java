package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.wire.MessageType;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.split.JournalSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/** Emits a record and advances its split's journal position (the checkpointed state). */
public final class JournalRecordEmitter implements RecordEmitter<JournalRecord, JournalRecord, JournalSplitState> {
    @Override
    public void emitRecord(JournalRecord record, SourceOutput<JournalRecord> output, JournalSplitState state) {
        record.orderKey = record.streamId;
        record.sequence = state.nextSequence();
        output.collect(record, record.acquisitionTimeNs / 1_000_000L);
        state.advance(record.journalIndex, record.type == MessageType.SERIES_END);
    }
}
