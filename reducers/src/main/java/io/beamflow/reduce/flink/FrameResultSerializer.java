package io.beamflow.reduce.flink;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameFeatures;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Explicit, versioned serializer of {@link FrameResult} for operator state (results waiting in the
 * {@link Resequencer}), so that a savepoint does not depend on Flink's reflective POJO or Kryo layout of the
 * class: each value starts with its format version; version 1 is the layout below, and later versions must keep
 * reading it.
 */
public final class FrameResultSerializer extends ExplicitStateSerializer<FrameResult> {
    private static final long serialVersionUID = 1L;
    /** Format version written before each value. */
    static final int VERSION = 4;

    @Override
    public FrameResult createInstance() {
        return new FrameResult();
    }

    @Override
    public FrameResult copy(FrameResult from) {
        FrameResult r = from.shallowCopy();
        r.pixels = from.pixels == null ? null : from.pixels.clone();
        r.chunk = from.chunk == null ? null : from.chunk.clone();
        FrameFeatures f = from.features;
        if (f != null) {
            FrameFeatures c = new FrameFeatures();
            c.sum = f.sum;
            c.max = f.max;
            c.mean = f.mean;
            c.saturatedPixels = f.saturatedPixels;
            c.roiSums.putAll(f.roiSums);
            c.radialProfile = f.radialProfile.clone();
            c.peakX = f.peakX.clone();
            c.peakY = f.peakY.clone();
            c.peakIntensity = f.peakIntensity.clone();
            r.features = c;
        }
        return r;
    }

    @Override
    public void serialize(FrameResult r, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        out.writeByte(r.kind.ordinal()); // kinds are only ever appended to FrameResult.Kind
        writeString(out, r.seriesId);
        out.writeLong(r.frameNumber);
        out.writeInt(r.width);
        out.writeInt(r.height);
        out.writeInt(r.pixelType.code());
        out.writeLong(r.acquisitionTimeNs);
        out.writeLong(r.receiveTimeNs);
        out.writeInt(r.pixels == null ? -1 : r.pixels.length);
        if (r.pixels != null) {
            out.write(r.pixels);
        }
        out.writeBoolean(r.incomplete);
        writeString(out, r.decision.name());
        writeString(out, r.ruleName);
        out.writeLong(r.ruleVersion);
        out.writeBoolean(r.features != null);
        if (r.features != null) {
            FrameFeatures f = r.features;
            out.writeDouble(f.sum);
            out.writeDouble(f.max);
            out.writeDouble(f.mean);
            out.writeLong(f.saturatedPixels);
            out.writeInt(f.roiSums.size());
            for (Map.Entry<String, Double> e : f.roiSums.entrySet()) {
                writeString(out, e.getKey());
                out.writeDouble(e.getValue());
            }
            writeFloats(out, f.radialProfile);
            writeFloats(out, f.peakX);
            writeFloats(out, f.peakY);
            writeFloats(out, f.peakIntensity);
        }
        writeString(out, r.orderKey);
        out.writeLong(r.sequence);
        out.writeBoolean(r.preview);
        writeString(out, r.metadataJson);
        out.writeInt(r.chunk == null ? -1 : r.chunk.length);
        if (r.chunk != null) {
            out.write(r.chunk);
        }
        writeString(out, r.chunkCodec);
        writeString(out, r.quarantineReason);
        out.writeInt(r.seriesArrays == null ? -1 : r.seriesArrays.length);
        if (r.seriesArrays != null) {
            out.write(r.seriesArrays);
        }
    }

    @Override
    public FrameResult deserialize(DataInputView in) throws IOException {
        int version = readVersion(in, VERSION, "frame result");
        FrameResult r = new FrameResult();
        int kind = in.readUnsignedByte();
        if (kind >= FrameResult.Kind.values().length) {
            throw new IOException("unknown frame result kind " + kind);
        }
        r.kind = FrameResult.Kind.values()[kind];
        r.seriesId = readString(in);
        r.frameNumber = in.readLong();
        r.width = in.readInt();
        r.height = in.readInt();
        r.pixelType = PixelType.fromCode(in.readInt());
        r.acquisitionTimeNs = in.readLong();
        r.receiveTimeNs = in.readLong();
        int pixels = in.readInt();
        if (pixels >= 0) {
            r.pixels = new byte[pixels];
            in.readFully(r.pixels);
        }
        r.incomplete = in.readBoolean();
        r.decision = Decision.valueOf(readString(in));
        r.ruleName = readString(in);
        r.ruleVersion = in.readLong();
        if (in.readBoolean()) {
            FrameFeatures f = new FrameFeatures();
            f.sum = in.readDouble();
            f.max = in.readDouble();
            f.mean = in.readDouble();
            f.saturatedPixels = in.readLong();
            int rois = in.readInt();
            for (int i = 0; i < rois; i++) {
                f.roiSums.put(readString(in), in.readDouble());
            }
            f.radialProfile = readFloats(in);
            f.peakX = readFloats(in);
            f.peakY = readFloats(in);
            f.peakIntensity = readFloats(in);
            r.features = f;
        } else {
            r.features = null;
        }
        r.orderKey = readString(in);
        r.sequence = in.readLong();
        r.preview = in.readBoolean();
        r.metadataJson = readString(in);
        if (version >= 2) {
            int chunk = in.readInt();
            if (chunk >= 0) {
                r.chunk = new byte[chunk];
                in.readFully(r.chunk);
            }
            r.chunkCodec = readString(in);
        }
        if (version >= 3) {
            r.quarantineReason = readString(in);
        }
        if (version >= 4) {
            int arrays = in.readInt();
            if (arrays >= 0) {
                r.seriesArrays = new byte[arrays];
                in.readFully(r.seriesArrays);
            }
        }
        return r;
    }

    private static void writeFloats(DataOutputView out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float v : a) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputView in) throws IOException {
        float[] a = new float[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    @Override
    public TypeSerializerSnapshot<FrameResult> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot: the serializer has no configuration; each value carries its format version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FrameResult> {
        /** Used by Flink when it reads a snapshot. */
        public Snapshot() {
            super(FrameResultSerializer::new);
        }
    }
}
