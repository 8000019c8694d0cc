package io.beamflow.reduce.flink;

import io.beamflow.core.frame.PixelType;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Explicit, versioned state serializer of {@link PartialFrame} (module parts waiting for the rest of their frame).
 * Version 1 is the layout below. State that releases up to f9be54d wrote with Flink's POJO serializer is read
 * with that serializer and rewritten with this one (Flink's state migration).
 */
public final class PartialFrameSerializer extends ExplicitStateSerializer<PartialFrame> {
    private static final long serialVersionUID = 1L;
    /** Format version written before each value. */
    static final int VERSION = 1;

    @Override
    public PartialFrame createInstance() {
        return new PartialFrame();
    }

    @Override
    public PartialFrame copy(PartialFrame from) {
        PartialFrame f = new PartialFrame();
        f.pixels = from.pixels == null ? null : from.pixels.clone();
        f.presentMask = from.presentMask;
        f.firstArrivalMs = from.firstArrivalMs;
        f.acquisitionTimeNs = from.acquisitionTimeNs;
        f.receiveTimeNs = from.receiveTimeNs;
        f.pixelType = from.pixelType;
        f.partWidth = from.partWidth == null ? null : from.partWidth.clone();
        f.partHeight = from.partHeight == null ? null : from.partHeight.clone();
        return f;
    }

    @Override
    public void serialize(PartialFrame f, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        writeBytes(out, f.pixels);
        out.writeLong(f.presentMask);
        out.writeLong(f.firstArrivalMs);
        out.writeLong(f.acquisitionTimeNs);
        out.writeLong(f.receiveTimeNs);
        out.writeInt(f.pixelType == null ? -1 : f.pixelType.code());
        writeInts(out, f.partWidth);
        writeInts(out, f.partHeight);
    }

    @Override
    public PartialFrame deserialize(DataInputView in) throws IOException {
        readVersion(in, VERSION, "partial frame");
        PartialFrame f = new PartialFrame();
        f.pixels = readBytes(in);
        f.presentMask = in.readLong();
        f.firstArrivalMs = in.readLong();
        f.acquisitionTimeNs = in.readLong();
        f.receiveTimeNs = in.readLong();
        int type = in.readInt();
        try {
            f.pixelType = type < 0 ? null : PixelType.fromCode(type);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt partial frame state: " + e.getMessage(), e);
        }
        f.partWidth = readInts(in);
        f.partHeight = readInts(in);
        return f;
    }

    @Override
    public TypeSerializerSnapshot<PartialFrame> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot: no configuration; accepts the POJO state of earlier releases after migration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<PartialFrame> {
        /** Used by Flink when it reads a snapshot. */
        public Snapshot() {
            super(PartialFrameSerializer::new);
        }

        @Override
        public TypeSerializerSchemaCompatibility<PartialFrame> resolveSchemaCompatibility(
                TypeSerializerSnapshot<PartialFrame> oldSerializerSnapshot) {
            return oldSerializerSnapshot instanceof PojoSerializerSnapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAfterMigration()
                    : super.resolveSchemaCompatibility(oldSerializerSnapshot);
        }
    }
}
