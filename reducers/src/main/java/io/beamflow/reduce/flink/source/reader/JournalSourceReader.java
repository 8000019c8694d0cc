package io.beamflow.reduce.flink.source.reader;

import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import io.beamflow.reduce.flink.source.split.JournalSplitState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

/** Source reader over journal splits: one fetcher thread tails all splits assigned to this subtask. */
@SuppressWarnings("try")
public final class JournalSourceReader
        extends SingleThreadMultiplexSourceReaderBase<JournalRecord, JournalRecord, JournalSplit, JournalSplitState> {

    private final CheckpointPositionPublisher publisher;
    private final boolean publishPositions;
    private final SortedMap<Long, List<JournalSplit>> snapshots = new TreeMap<>();
    /**
     * Final positions of splits that finished (bounded mode) and are therefore no longer in the checkpointed
     * state, until a completed checkpoint taken after their end has published them: without this a finished
     * stream's journal would never be released.
     */
    private final Map<String, JournalSplit> finishedToPublish = new LinkedHashMap<>();

    /**
     * @param splitReaderSupplier creates the split reader
     * @param config              reader configuration
     * @param context             Flink's reader context
     * @param journalDirectory    local journal directory, where checkpointed positions of local splits are
     *                            published; {@code null}: they are not published
     * @param serverTimeoutMs     how long a journal server request (release of remote splits) waits
     */
    public JournalSourceReader(Supplier<SplitReader<JournalRecord, JournalSplit>> splitReaderSupplier,
            Configuration config, SourceReaderContext context, String journalDirectory, int serverTimeoutMs) {
        this(splitReaderSupplier, config, context, journalDirectory, serverTimeoutMs, true);
    }

    /**
     * @param splitReaderSupplier creates the split reader
     * @param config              reader configuration
     * @param context             Flink's reader context
     * @param journalDirectory    local journal directory, where checkpointed positions of local splits are
     *                            published; {@code null}: they are not published
     * @param serverTimeoutMs     how long a journal server request (release of remote splits) waits
     * @param publishPositions    whether completed checkpoints release the journals below this reader's
     *                            positions (never for the live path, which skips ahead of the record path)
     */
    public JournalSourceReader(Supplier<SplitReader<JournalRecord, JournalSplit>> splitReaderSupplier,
            Configuration config, SourceReaderContext context, String journalDirectory, int serverTimeoutMs,
            boolean publishPositions) {
        super(splitReaderSupplier, new JournalRecordEmitter(), config, context);
        this.publisher = new CheckpointPositionPublisher(journalDirectory, serverTimeoutMs);
        this.publishPositions = publishPositions;
    }

    @Override
    public List<JournalSplit> snapshotState(long checkpointId) {
        List<JournalSplit> splits = super.snapshotState(checkpointId);
        List<JournalSplit> positions = new ArrayList<>(splits);
        positions.addAll(finishedToPublish.values());
        snapshots.put(checkpointId, positions);
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        List<JournalSplit> splits = snapshots.get(checkpointId);
        snapshots.headMap(checkpointId + 1).clear();
        if (splits != null && publishPositions) {
            publisher.publish(splits);
            for (JournalSplit s : splits) {
                finishedToPublish.remove(s.splitId(), s);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            publisher.close();
        }
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, JournalSplitState> finishedSplitIds) {
        finishedSplitIds.forEach((id, state) -> finishedToPublish.put(id, state.toSplit()));
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
