package io.beamflow.sink.hdf5;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Explicit, versioned encoding of an {@link Hdf5FileWriter}'s checkpoint state ({@link Hdf5FileModel.State}:
 * metadata model, chunk index, partly filled chunks, file length), so that a checkpoint does not depend on the Java
 * serialization of the writer's classes. Version 1 is the Java serialization that releases before 2026-11-26 wrote; it is still read.
 */
final class Hdf5FileStateCodec {
    /** Format version written. */
    static final int VERSION = 2;
    private static final int MAGIC = 0x4246_4835; // "BFH5"
    private static final int MAX_COUNT = 1 << 24;
    private static final byte GROUP = 1;
    private static final byte CONTIGUOUS = 2;
    private static final byte CHUNKED = 3;
    private static final byte EXTERNAL_LINK = 4;

    private Hdf5FileStateCodec() {
    }

    static byte[] encode(Hdf5FileModel.State s) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            writeString(out, s.path);
            out.writeLong(s.eof);
            writeGroup(out, s.root);
        }
        return bos.toByteArray();
    }

    static Hdf5FileModel.State decode(byte[] bytes) throws IOException {
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xAC && (bytes[1] & 0xff) == 0xED) {
            return legacy(bytes);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not an HDF5 writer snapshot");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("unknown HDF5 writer snapshot version " + version);
            }
            Hdf5FileModel.State s = new Hdf5FileModel.State();
            s.path = readString(in);
            s.eof = in.readLong();
            if (in.readByte() != GROUP) {
                throw new IOException("HDF5 writer snapshot: the root is not a group");
            }
            s.root = readGroup(in);
            return s;
        }
    }

    /**
     * Classes of the writer state by the names version 1 recorded: they were nested in {@link Hdf5FileWriter}
     * until its file model moved to {@link Hdf5FileModel} and {@link ChunkedDataset} (same fields).
     */
    private static final Map<String, Class<?>> V1_CLASSES = Map.of(
            "io.beamflow.sink.hdf5.Hdf5FileWriter$State", Hdf5FileModel.State.class,
            "io.beamflow.sink.hdf5.Hdf5FileWriter$Node", Hdf5FileModel.Node.class,
            "io.beamflow.sink.hdf5.Hdf5FileWriter$GroupNode", Hdf5FileModel.GroupNode.class,
            "io.beamflow.sink.hdf5.Hdf5FileWriter$ExternalLink", Hdf5FileModel.ExternalLink.class,
            "io.beamflow.sink.hdf5.Hdf5FileWriter$Attribute", Hdf5FileModel.Attribute.class,
            "io.beamflow.sink.hdf5.Hdf5FileWriter$ContiguousDataset", Hdf5FileModel.ContiguousDataset.class,
            "io.beamflow.sink.hdf5.Hdf5FileWriter$ChunkedDataset", ChunkedDataset.class);

    /** Version 1: Java serialization of the state object, its classes read as where they are now. */
    private static Hdf5FileModel.State legacy(byte[] bytes) throws IOException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
                ObjectStreamClass recorded = super.readClassDescriptor();
                Class<?> moved = V1_CLASSES.get(recorded.getName());
                return moved == null ? recorded : ObjectStreamClass.lookup(moved);
            }
        }) {
            return (Hdf5FileModel.State) in.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("unreadable HDF5 writer snapshot (version 1): " + e, e);
        }
    }

    private static void writeGroup(DataOutputStream out, Hdf5FileModel.GroupNode g) throws IOException {
        out.writeByte(GROUP);
        writeAttributes(out, g);
        out.writeInt(g.children.size());
        for (Map.Entry<String, Object> e : g.children.entrySet()) {
            writeString(out, e.getKey());
            Object child = e.getValue();
            if (child instanceof Hdf5FileModel.GroupNode sub) {
                writeGroup(out, sub);
            } else if (child instanceof Hdf5FileModel.ContiguousDataset d) {
                out.writeByte(CONTIGUOUS);
                writeAttributes(out, d);
                writeType(out, d.type);
                writeLongs(out, d.dims);
                out.writeLong(d.address);
                out.writeLong(d.size);
            } else if (child instanceof ChunkedDataset d) {
                out.writeByte(CHUNKED);
                writeAttributes(out, d);
                writeString(out, d.path);
                writeType(out, d.type);
                writeLongs(out, d.rowDims);
                out.writeInt(d.rowBytes);
                out.writeInt(d.chunkRows);
                writeString(out, d.compression.name());
                out.writeLong(d.rows);
                out.writeInt(d.chunkCount);
                for (int i = 0; i < d.chunkCount; i++) {
                    out.writeLong(d.chunkAddress[i]);
                    out.writeInt(d.chunkSize[i]);
                }
                out.writeInt(d.pendingRows);
                int used = d.pending == null ? 0 : Math.min(d.pending.length, d.pendingRows * d.rowBytes);
                writeBytes(out, d.pending == null ? new byte[0] : Arrays.copyOf(d.pending, used));
            } else if (child instanceof Hdf5FileModel.ExternalLink l) {
                out.writeByte(EXTERNAL_LINK);
                writeString(out, l.file());
                writeString(out, l.objectPath());
            } else if (child instanceof VirtualDataset) {
                throw new IOException("HDF5 writer snapshot: " + e.getKey() + " is a virtual dataset; those are added"
                        + " when a file is completed, after its last snapshot");
            } else {
                throw new IOException("HDF5 writer snapshot: unknown node " + child.getClass().getName());
            }
        }
    }

    private static Hdf5FileModel.GroupNode readGroup(DataInputStream in) throws IOException {
        Hdf5FileModel.GroupNode g = new Hdf5FileModel.GroupNode();
        readAttributes(in, g);
        int n = count(in);
        for (int i = 0; i < n; i++) {
            String name = readString(in);
            byte tag = in.readByte();
            switch (tag) {
                case GROUP -> g.children.put(name, readGroup(in));
                case CONTIGUOUS -> {
                    Hdf5FileModel.ContiguousDataset d = new Hdf5FileModel.ContiguousDataset();
                    readAttributes(in, d);
                    d.type = readType(in);
                    d.dims = readLongs(in);
                    d.address = in.readLong();
                    d.size = in.readLong();
                    g.children.put(name, d);
                }
                case CHUNKED -> g.children.put(name, readChunked(in));
                case EXTERNAL_LINK -> g.children.put(name, new Hdf5FileModel.ExternalLink(readString(in),
                        readString(in)));
                default -> throw new IOException("HDF5 writer snapshot: unknown node tag " + tag);
            }
        }
        return g;
    }

    private static ChunkedDataset readChunked(DataInputStream in) throws IOException {
        ChunkedDataset d = new ChunkedDataset();
        readAttributes(in, d);
        d.path = readString(in);
        d.type = readType(in);
        d.rowDims = readLongs(in);
        if (d.rowDims == null) {
            throw new IOException("HDF5 writer snapshot: chunked dataset " + d.path + " without row dimensions");
        }
        d.rowBytes = in.readInt();
        d.chunkRows = in.readInt();
        try {
            d.compression = Compression.valueOf(readString(in));
        } catch (IllegalArgumentException e) {
            throw new IOException("HDF5 writer snapshot: " + e.getMessage(), e);
        }
        d.rows = in.readLong();
        int chunks = count(in);
        d.chunkAddress = new long[Math.max(16, chunks)];
        d.chunkSize = new int[d.chunkAddress.length];
        for (int i = 0; i < chunks; i++) {
            d.chunkAddress[i] = in.readLong();
            d.chunkSize[i] = in.readInt();
        }
        d.chunkCount = chunks;
        d.pendingRows = in.readInt();
        byte[] used = readBytes(in);
        // as the writer keeps it: a whole chunk's buffer while rows are pending, else empty
        d.pending = d.pendingRows > 0 ? Arrays.copyOf(used, Math.multiplyExact(d.rowBytes, d.chunkRows)) : used;
        return d;
    }

    private static void writeAttributes(DataOutputStream out, Hdf5FileModel.Node n) throws IOException {
        out.writeInt(n.attributes.size());
        for (Hdf5FileModel.Attribute a : n.attributes) {
            writeString(out, a.name());
            writeType(out, a.type());
            writeLongs(out, a.dims());
            writeBytes(out, a.data());
        }
    }

    private static void readAttributes(DataInputStream in, Hdf5FileModel.Node n) throws IOException {
        int count = count(in);
        for (int i = 0; i < count; i++) {
            n.attributes.add(new Hdf5FileModel.Attribute(readString(in), readType(in), readLongs(in), readBytes(in)));
        }
    }

    private static void writeType(DataOutputStream out, H5Type t) throws IOException {
        out.writeByte(t.kind().ordinal());
        out.writeInt(t.size());
        out.writeBoolean(t.signed());
    }

    private static H5Type readType(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        if (kind >= H5Type.Kind.values().length) {
            throw new IOException("HDF5 writer snapshot: unknown datatype class " + kind);
        }
        return new H5Type(H5Type.Kind.values()[kind], in.readInt(), in.readBoolean());
    }

    /** Dimensions; {@code null} (a scalar) as the count -1, which no earlier snapshot holds (they could not encode it). */
    private static void writeLongs(DataOutputStream out, long[] v) throws IOException {
        if (v == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(v.length);
        for (long x : v) {
            out.writeLong(x);
        }
    }

    private static long[] readLongs(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("HDF5 writer snapshot: bad count " + n);
        }
        long[] v = new long[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readLong();
        }
        return v;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in)];
        in.readFully(b);
        return b;
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("HDF5 writer snapshot: bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("HDF5 writer snapshot: bad count " + n);
        }
        return n;
    }
}
