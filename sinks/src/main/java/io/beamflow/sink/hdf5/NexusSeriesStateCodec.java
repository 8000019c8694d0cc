package io.beamflow.sink.hdf5;

import static io.beamflow.sink.hdf5.Hdf5FileStateCodec.readString;
import static io.beamflow.sink.hdf5.Hdf5FileStateCodec.writeString;

import io.beamflow.core.frame.PixelType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * Explicit, versioned encoding of a {@link NexusSeriesWriter}'s checkpoint state (series counters, open data
 * file, snapshots of its two files), so that a checkpoint does not depend on the Java serialization of the
 * writer's classes. Version 1 is the Java serialization that releases before 2026-11-26 wrote; version 2 lacks the
 * frame count of each closed data file (version 3), which is then derived: every closed file of a series still
 * open was rolled full, so they hold equal shares of the frames in closed files. Version 4 adds the series
 * directory chosen at its start (a beamtime's {@code raw/}); without it (versions 2 and 3) the series is where the
 * sink's settings put it. All are still read.
 */
final class NexusSeriesStateCodec {
    /** Format version written. */
    static final int VERSION = 4;
    private static final int MAGIC = 0x4246_4E53; // "BFNS"
    private static final int MAX_COUNT = 1 << 24;

    private NexusSeriesStateCodec() {
    }

    static byte[] encode(NexusSeriesWriter.State s) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            writeString(out, s.seriesId);
            writeString(out, s.metadataJson);
            out.writeLong(s.startTimeMs);
            out.writeLong(s.firstAcqNs);
            out.writeLong(s.lastAcqNs);
            out.writeBoolean(s.shapeKnown);
            out.writeInt(s.width);
            out.writeInt(s.height);
            out.writeInt(s.pixelType == null ? -1 : s.pixelType.code());
            out.writeInt(s.roiNames.size());
            for (String roi : s.roiNames) {
                writeString(out, roi);
            }
            out.writeInt(s.radialBins);
            for (long v : new long[] {s.framesReceived, s.framesStored, s.framesReducedOnly, s.framesVetoed,
                    s.framesRejected, s.rawBytes, s.storedBytes, s.peaksTotal, s.featureMismatches,
                    s.framesInDataFile, s.dataFirstFrame, s.dataLastFrame, s.framesQuarantined,
                    s.framesInClosedFiles}) {
                out.writeLong(v);
            }
            out.writeInt(s.dataFileIndex);
            out.writeInt(s.ruleVersions.size());
            for (Map.Entry<Long, String> e : s.ruleVersions.entrySet()) {
                out.writeLong(e.getKey());
                writeString(out, e.getValue());
            }
            out.writeInt(s.rejectReasons.size());
            for (Map.Entry<String, Long> e : s.rejectReasons.entrySet()) {
                writeString(out, e.getKey());
                out.writeLong(e.getValue());
            }
            writeString(out, s.quarantineReason);
            writeString(out, s.incompleteReason);
            writeBytes(out, s.masterSnapshot);
            writeBytes(out, s.dataSnapshot);
            out.writeInt(s.undrained.size());
            for (Hdf5Committable c : s.undrained) {
                writeString(out, c.seriesId());
                writeString(out, c.tempPath());
                writeString(out, c.finalPath());
                out.writeLong(c.bytes());
            }
            out.writeInt(s.closedFileFrames.size());
            for (long n : s.closedFileFrames) {
                out.writeLong(n);
            }
            writeString(out, s.seriesDir);
        }
        return bos.toByteArray();
    }

    static NexusSeriesWriter.State decode(byte[] bytes) throws IOException {
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xAC && (bytes[1] & 0xff) == 0xED) {
            return legacy(bytes);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a series snapshot");
            }
            int version = in.readUnsignedByte();
            if (version < 2 || version > VERSION) {
                throw new IOException("unknown series snapshot version " + version);
            }
            NexusSeriesWriter.State s = new NexusSeriesWriter.State();
            s.seriesId = readString(in);
            s.metadataJson = readString(in);
            s.startTimeMs = in.readLong();
            s.firstAcqNs = in.readLong();
            s.lastAcqNs = in.readLong();
            s.shapeKnown = in.readBoolean();
            s.width = in.readInt();
            s.height = in.readInt();
            int type = in.readInt();
            try {
                s.pixelType = type < 0 ? null : PixelType.fromCode(type);
            } catch (IllegalArgumentException e) {
                throw new IOException("series snapshot: " + e.getMessage(), e);
            }
            int rois = count(in);
            for (int i = 0; i < rois; i++) {
                s.roiNames.add(readString(in));
            }
            s.radialBins = in.readInt();
            s.framesReceived = in.readLong();
            s.framesStored = in.readLong();
            s.framesReducedOnly = in.readLong();
            s.framesVetoed = in.readLong();
            s.framesRejected = in.readLong();
            s.rawBytes = in.readLong();
            s.storedBytes = in.readLong();
            s.peaksTotal = in.readLong();
            s.featureMismatches = in.readLong();
            s.framesInDataFile = in.readLong();
            s.dataFirstFrame = in.readLong();
            s.dataLastFrame = in.readLong();
            s.framesQuarantined = in.readLong();
            s.framesInClosedFiles = in.readLong();
            s.dataFileIndex = in.readInt();
            int versions = count(in);
            for (int i = 0; i < versions; i++) {
                s.ruleVersions.put(in.readLong(), readString(in));
            }
            int reasons = count(in);
            for (int i = 0; i < reasons; i++) {
                s.rejectReasons.put(readString(in), in.readLong());
            }
            s.quarantineReason = readString(in);
            s.incompleteReason = readString(in);
            s.masterSnapshot = readBytes(in);
            s.dataSnapshot = readBytes(in);
            int undrained = count(in);
            for (int i = 0; i < undrained; i++) {
                s.undrained.add(new Hdf5Committable(readString(in), readString(in), readString(in), in.readLong()));
            }
            if (version == 2) {
                s.closedFileFrames = deriveClosedFileFrames(s);
                return s;
            }
            int closed = count(in);
            for (int i = 0; i < closed; i++) {
                s.closedFileFrames.add(in.readLong());
            }
            if (version >= 4) {
                s.seriesDir = readString(in);
            }
            return s;
        }
    }

    /** Version 1: Java serialization of the state object, before quarantine and the closed-file count. */
    private static NexusSeriesWriter.State legacy(byte[] bytes) throws IOException {
        NexusSeriesWriter.State s;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            s = (NexusSeriesWriter.State) in.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("unreadable series snapshot (version 1): " + e, e);
        }
        // a snapshot is taken with no frame being compressed: every stored frame is in a closed or the open file
        s.framesInClosedFiles = s.framesStored - s.framesInDataFile;
        if (s.roiNames == null) {
            s.roiNames = new ArrayList<>();
        }
        if (s.ruleVersions == null) {
            s.ruleVersions = new TreeMap<>();
        }
        if (s.rejectReasons == null) {
            s.rejectReasons = new TreeMap<>();
        }
        if (s.undrained == null) {
            s.undrained = new ArrayList<>();
        }
        s.closedFileFrames = deriveClosedFileFrames(s);
        return s;
    }

    /** Versions 1 and 2: the closed data files of an open series were all rolled full, with equal frame counts. */
    static ArrayList<Long> deriveClosedFileFrames(NexusSeriesWriter.State s) {
        int closed = s.dataFileIndex - (s.dataSnapshot != null ? 1 : 0);
        ArrayList<Long> out = new ArrayList<>();
        for (int i = 0; i < closed; i++) {
            out.add(s.framesInClosedFiles / closed + (i < s.framesInClosedFiles % closed ? 1 : 0));
        }
        return out;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IOException("series snapshot: bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("series snapshot: bad count " + n);
        }
        return n;
    }
}
