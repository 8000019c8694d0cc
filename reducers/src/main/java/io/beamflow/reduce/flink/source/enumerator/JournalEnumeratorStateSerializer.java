package io.beamflow.reduce.flink.source.enumerator;

import io.beamflow.reduce.flink.source.split.JournalSplit;
import io.beamflow.reduce.flink.source.split.JournalSplitSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Versioned serializer of {@link JournalEnumeratorState}. The version follows the embedded splits'
 * ({@link JournalSplitSerializer}): version 2 adds their journal server, version 3 their
 * emitted-record count; versions 1 and 2 are still read.
 */
public final class JournalEnumeratorStateSerializer implements SimpleVersionedSerializer<JournalEnumeratorState> {
    /** Current format version. */
    public static final int VERSION = JournalSplitSerializer.VERSION;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(JournalEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.assignedStreams().size());
            for (String s : state.assignedStreams()) {
                out.writeUTF(s);
            }
            out.writeInt(state.pendingSplits().size());
            for (JournalSplit split : state.pendingSplits()) {
                JournalSplitSerializer.write(out, split);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public JournalEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown journal enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            Set<String> assigned = new HashSet<>();
            for (int i = 0; i < n; i++) {
                assigned.add(in.readUTF());
            }
            int m = in.readInt();
            List<JournalSplit> pending = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                pending.add(JournalSplitSerializer.read(in, version));
            }
            return new JournalEnumeratorState(assigned, pending);
        }
    }
}
