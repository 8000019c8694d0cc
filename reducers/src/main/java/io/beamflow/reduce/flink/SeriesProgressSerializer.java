package io.beamflow.reduce.flink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Explicit, versioned state serializer of {@link SeriesProgress} (which module streams started and ended a
 * series). Version 1 is the layout below. State that releases up to f9be54d wrote with Flink's POJO serializer
 * (its lists through Kryo) is read with that serializer and rewritten with this one (Flink's state migration).
 */
public final class SeriesProgressSerializer extends ExplicitStateSerializer<SeriesProgress> {
    private static final long serialVersionUID = 1L;
    /** Format version written before each value. */
    static final int VERSION = 1;

    @Override
    public SeriesProgress createInstance() {
        return new SeriesProgress();
    }

    @Override
    public SeriesProgress copy(SeriesProgress from) {
        SeriesProgress p = new SeriesProgress();
        p.started = from.started;
        p.streams = new ArrayList<>(from.streams);
        p.endedStreams = new ArrayList<>(from.endedStreams);
        p.announcedFrames = from.announcedFrames;
        p.endDeadlineMs = from.endDeadlineMs;
        p.finished = from.finished;
        return p;
    }

    @Override
    public void serialize(SeriesProgress p, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeBoolean(p.started);
        writeStrings(out, p.streams);
        writeStrings(out, p.endedStreams);
        out.writeLong(p.announcedFrames);
        out.writeLong(p.endDeadlineMs);
        out.writeBoolean(p.finished);
    }

    @Override
    public SeriesProgress deserialize(DataInputView in) throws IOException {
        readVersion(in, VERSION, "series progress");
        SeriesProgress p = new SeriesProgress();
        p.started = in.readBoolean();
        p.streams = readStrings(in);
        p.endedStreams = readStrings(in);
        p.announcedFrames = in.readLong();
        p.endDeadlineMs = in.readLong();
        p.finished = in.readBoolean();
        return p;
    }

    private static void writeStrings(DataOutputView out, List<String> v) throws IOException {
        out.writeInt(v.size());
        for (String s : v) {
            writeString(out, s);
        }
    }

    private static List<String> readStrings(DataInputView in) throws IOException {
        int n = checkedLength(in.readInt());
        List<String> v = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            v.add(readString(in));
        }
        return v;
    }

    @Override
    public TypeSerializerSnapshot<SeriesProgress> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot: no configuration; accepts the POJO state of earlier releases after migration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SeriesProgress> {
        /** Used by Flink when it reads a snapshot. */
        public Snapshot() {
            super(SeriesProgressSerializer::new);
        }

        @Override
        public TypeSerializerSchemaCompatibility<SeriesProgress> resolveSchemaCompatibility(
                TypeSerializerSnapshot<SeriesProgress> oldSerializerSnapshot) {
            return oldSerializerSnapshot instanceof PojoSerializerSnapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                    : super.resolveSchemaCompatibility(oldSerializerSnapshot);
        }
    }
}
