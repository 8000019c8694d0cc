package io.beamflow.reduce.flink.source.reader;

import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import io.beamflow.reduce.flink.source.split.JournalSplitState;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/** Source reader over journal splits: one fetcher thread tails all splits assigned to this subtask. */
@SuppressWarnings("try")
public final class JournalSourceReader
        extends SingleThreadMultiplexSourceReaderBase<JournalRecord, JournalRecord, JournalSplit, JournalSplitState> {

    /**
     * @param splitReaderSupplier creates the split reader
     * @param config              reader configuration
     * @param context             Flink's reader context
     */
    public JournalSourceReader(Supplier<SplitReader<JournalRecord, JournalSplit>> splitReaderSupplier,
            Configuration config, SourceReaderContext context) {
        super(splitReaderSupplier, new JournalRecordEmitter(), config, context);
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, JournalSplitState> finishedSplitIds) {
        // Finished splits need no action: their final position is not needed after the series ended.
    }

    @Override
    protected JournalSplitState initializedState(JournalSplit split) {
        return new JournalSplitState(split);
    }

    @Override
    protected JournalSplit toSplitType(String splitId, JournalSplitState state) {
        return state.toSplit();
    }
}
