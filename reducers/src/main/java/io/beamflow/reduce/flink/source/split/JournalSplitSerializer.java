package io.beamflow.reduce.flink.source.split;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Versioned serializer of {@link JournalSplit}s. Version 1: stream id, directory, index, series ends
 * (local journals only). Version 2 adds the journal server endpoint and its stream id (empty for local
 * splits). Version 3 adds the number of records emitted (the next record's sequence number). Versions 1 and
 * 2 are still read (their splits count records from 0 again, as the resequencer that needs the count is new
 * in the same release), so a job restores from checkpoints taken before.
 */
public final class JournalSplitSerializer implements SimpleVersionedSerializer<JournalSplit> {
    /** Current format version. */
    public static final int VERSION = 3;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(JournalSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, split);
        }
        return bytes.toByteArray();
    }

    @Override
    public JournalSplit deserialize(int version, byte[] serialized) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in, version);
        }
    }

    /** Writes one split in the current version (also used inside the enumerator state). */
    public static void write(DataOutputStream out, JournalSplit split) throws IOException {
        out.writeUTF(split.streamId());
        out.writeUTF(split.directory());
        out.writeLong(split.startIndex());
        out.writeInt(split.seriesEndsSeen());
        out.writeUTF(split.server());
        out.writeUTF(split.remoteStream());
        out.writeLong(split.recordsEmitted());
    }

    /**
     * Reads one split written by {@link #write} in {@code version}.
     *
     * @throws IOException on an unknown version or truncated bytes
     */
    public static JournalSplit read(DataInputStream in, int version) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown journal split serializer version " + version);
        }
        String streamId = in.readUTF();
        String directory = in.readUTF();
        long startIndex = in.readLong();
        int seriesEnds = in.readInt();
        String server = "";
        String remoteStream = "";
        if (version >= 2) {
            server = in.readUTF();
            remoteStream = in.readUTF();
        }
        long records = version >= 3 ? in.readLong() : 0;
        JournalSplit split = server.isEmpty() ? new JournalSplit(streamId, directory, startIndex, seriesEnds)
                : JournalSplit.remote(server, remoteStream, startIndex, seriesEnds);
        return split.at(startIndex, seriesEnds, records);
    }
}
