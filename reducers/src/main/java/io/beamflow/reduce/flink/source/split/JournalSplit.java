package io.beamflow.reduce.flink.source.split;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * Immutable split: one ingest stream's journal, read from {@code startIndex}, either tailed in a local
 * directory or replayed from an ingest node's journal server on another host. {@code seriesEndsSeen}
 * counts the SERIES_END records already delivered, so that a bounded source stops at the same place
 * after a restore.
 */
public final class JournalSplit implements SourceSplit {
    /** Start at the first record still in the journal. */
    public static final long FROM_FIRST = -1L;

    private final String streamId;
    private final String directory;
    private final String server;
    private final String remoteStream;
    private final long startIndex;
    private final int seriesEndsSeen;
    private final long recordsEmitted;

    /**
     * A split over a local journal directory.
     *
     * @param streamId       stream id (the journal's directory name)
     * @param directory      absolute path of the journal directory
     * @param startIndex     journal index of the next record to read, or {@link #FROM_FIRST}
     * @param seriesEndsSeen SERIES_END records delivered before {@code startIndex}
     */
    public JournalSplit(String streamId, String directory, long startIndex, int seriesEndsSeen) {
        this(streamId, directory, "", "", startIndex, seriesEndsSeen, 0);
    }

    private JournalSplit(String streamId, String directory, String server, String remoteStream, long startIndex,
            int seriesEndsSeen, long recordsEmitted) {
        this.streamId = Objects.requireNonNull(streamId, "streamId");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.server = Objects.requireNonNull(server, "server");
        this.remoteStream = Objects.requireNonNull(remoteStream, "remoteStream");
        this.startIndex = startIndex;
        this.seriesEndsSeen = seriesEndsSeen;
        this.recordsEmitted = recordsEmitted;
    }

    /**
     * A split over a stream served by an ingest node's journal server. Its id names the server too, as
     * nodes on different hosts may have streams of the same name (the same port on each host).
     *
     * @param server         the journal server's ZeroMQ endpoint
     * @param remoteStream   the stream id on that server
     * @param startIndex     journal index of the next record to read, or {@link #FROM_FIRST}
     * @param seriesEndsSeen SERIES_END records delivered before {@code startIndex}
     * @return the split
     */
    public static JournalSplit remote(String server, String remoteStream, long startIndex, int seriesEndsSeen) {
        if (server.isEmpty() || remoteStream.isEmpty()) {
            throw new IllegalArgumentException("a remote split needs a server and a stream: '" + server + "', '"
                    + remoteStream + "'");
        }
        return new JournalSplit(remoteStreamId(server, remoteStream), "", server, remoteStream, startIndex,
                seriesEndsSeen, 0);
    }

    /**
     * @param server journal server endpoint, e.g. {@code tcp://det-ingest-2:7000}
     * @param stream stream id on that server
     * @return the stream id its records carry in the job, e.g. {@code det-ingest-2:7000/tcp-0.0.0.0-9999}
     */
    public static String remoteStreamId(String server, String stream) {
        return server.replaceFirst("^[a-z]+://", "") + "/" + stream;
    }

    /**
     * @param nextIndex      journal index of the next record to read
     * @param seriesEnds     SERIES_END records delivered before it
     * @return this split at another position, its emitted-record count unchanged
     */
    public JournalSplit at(long nextIndex, int seriesEnds) {
        return at(nextIndex, seriesEnds, recordsEmitted);
    }

    /**
     * @param nextIndex      journal index of the next record to read
     * @param seriesEnds     SERIES_END records delivered before it
     * @param records        records emitted before it (the sequence number of the next one)
     * @return this split at another position
     */
    public JournalSplit at(long nextIndex, int seriesEnds, long records) {
        return new JournalSplit(streamId, directory, server, remoteStream, nextIndex, seriesEnds, records);
    }

    /**
     * @return records this split emitted before {@link #startIndex()}: the sequence number of the next record,
     *         by which the frame-parallel reduction puts the stream back in order
     */
    public long recordsEmitted() {
        return recordsEmitted;
    }

    @Override
    public String splitId() {
        return streamId;
    }

    /** @return the stream id records of this split carry */
    public String streamId() {
        return streamId;
    }

    /** @return the local journal directory, empty for a remote split */
    public String directory() {
        return directory;
    }

    /** @return whether the journal is read from a journal server */
    public boolean isRemote() {
        return !server.isEmpty();
    }

    /** @return the journal server's endpoint, empty for a local split */
    public String server() {
        return server;
    }

    /** @return the stream id on the journal server, empty for a local split */
    public String remoteStream() {
        return remoteStream;
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
                && s.server.equals(server) && s.remoteStream.equals(remoteStream)
                && s.startIndex == startIndex && s.seriesEndsSeen == seriesEndsSeen
                && s.recordsEmitted == recordsEmitted;
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, directory, server, remoteStream, startIndex, seriesEndsSeen, recordsEmitted);
    }

    @Override
    public String toString() {
        return "JournalSplit{" + streamId + (isRemote() ? " via " + server : "") + " from " + startIndex
                + ", ends seen " + seriesEndsSeen + ", records " + recordsEmitted + '}';
    }
}
