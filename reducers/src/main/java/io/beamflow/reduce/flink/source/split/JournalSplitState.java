package io.beamflow.reduce.flink.source.split;

/** Mutable reading position of a {@link JournalSplit}, advanced as records are emitted. */
public final class JournalSplitState {
    private final JournalSplit split;
    private long nextIndex;
    private int seriesEndsSeen;
    private long recordsEmitted;

    /** @param split the split as assigned or restored */
    public JournalSplitState(JournalSplit split) {
        this.split = split;
        this.nextIndex = split.startIndex();
        this.seriesEndsSeen = split.seriesEndsSeen();
        this.recordsEmitted = split.recordsEmitted();
    }

    /**
     * Records that the record at {@code index} was emitted.
     *
     * @param index     its journal index
     * @param seriesEnd whether it was a SERIES_END
     */
    public void advance(long index, boolean seriesEnd) {
        nextIndex = index + 1;
        recordsEmitted++;
        if (seriesEnd) {
            seriesEndsSeen++;
        }
    }

    /** @return next index to read */
    public long nextIndex() {
        return nextIndex;
    }

    /** @return sequence number of the next record emitted (records emitted so far) */
    public long nextSequence() {
        return recordsEmitted;
    }

    /** @return an immutable split for checkpoints */
    public JournalSplit toSplit() {
        return split.at(nextIndex, seriesEndsSeen, recordsEmitted);
    }
}
