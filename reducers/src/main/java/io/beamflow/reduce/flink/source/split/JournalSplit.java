package io.beamflow.reduce.flink.source.split;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * Immutable split: one ingest stream's journal, read from {@code startIndex}. {@code seriesEndsSeen}
 * counts the SERIES_END records already delivered, so that a bounded source stops at the same place
 * after a restore.
 */
public final class JournalSplit implements SourceSplit {
    /** Start at the first record still in the journal. */
    public static final long FROM_FIRST = -1L;

    private final String streamId;
    private final String directory;
    private final long startIndex;
    private final int seriesEndsSeen;

    /**
     * @param streamId       stream id (the journal's directory name)
     * @param directory      absolute path of the journal directory
     * @param startIndex     journal index of the next record to read, or {@link #FROM_FIRST}
     * @param seriesEndsSeen SERIES_END records delivered before {@code startIndex}
     */
    public JournalSplit(String streamId, String directory, long startIndex, int seriesEndsSeen) {
        this.streamId = Objects.requireNonNull(streamId, "streamId");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.startIndex = startIndex;
        this.seriesEndsSeen = seriesEndsSeen;
    }

    @Override
    public String splitId() {
        return streamId;
    }

    /** @return the stream id */
    public String streamId() {
        return streamId;
    }

    /** @return the journal directory */
    public String directory() {
        return directory;
    }

    /** @return the next index to read */
    public long startIndex() {
        return startIndex;
    }

    /** @return SERIES_END records already delivered */
    public int seriesEndsSeen() {
        return seriesEndsSeen;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JournalSplit s && s.streamId.equals(streamId) && s.directory.equals(directory)
                && s.startIndex == startIndex && s.seriesEndsSeen == seriesEndsSeen;
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, directory, startIndex, seriesEndsSeen);
    }

    @Override
    public String toString() {
        return "JournalSplit{" + streamId + " from " + startIndex + ", ends seen " + seriesEndsSeen + '}';
    }
}
