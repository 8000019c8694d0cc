package io.beamflow.reduce.flink.source.split;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Versioned serializer of {@link JournalSplit}s (version 1: stream id, directory, index, series ends). */
public final class JournalSplitSerializer implements SimpleVersionedSerializer<JournalSplit> {
    /** Current format version. */
    public static final int VERSION = 1;

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
        if (version != VERSION) {
            throw new IOException("unknown journal split serializer version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    /** Writes one split (also used inside the enumerator state). */
    public static void write(DataOutputStream out, JournalSplit split) throws IOException {
        out.writeUTF(split.streamId());
        out.writeUTF(split.directory());
        out.writeLong(split.startIndex());
        out.writeInt(split.seriesEndsSeen());
    }

    /** Reads one split written by {@link #write}. */
    public static JournalSplit read(DataInputStream in) throws IOException {
        return new JournalSplit(in.readUTF(), in.readUTF(), in.readLong(), in.readInt());
    }
}
