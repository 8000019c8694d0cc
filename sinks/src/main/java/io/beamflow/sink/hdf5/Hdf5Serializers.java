package io.beamflow.sink.hdf5;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Versioned serializers of the HDF5 sink's committables and writer state. */
final class Hdf5Serializers {
    private Hdf5Serializers() {
    }

    /** Serializer of {@link Hdf5Committable}, version 1. */
    static final class CommittableSerializer implements SimpleVersionedSerializer<Hdf5Committable> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Hdf5Committable c) throws IOException {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bos)) {
                out.writeUTF(c.seriesId());
                out.writeUTF(c.tempPath());
                out.writeUTF(c.finalPath());
                out.writeLong(c.bytes());
            }
            return bos.toByteArray();
        }

        @Override
        public Hdf5Committable deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown HDF5 committable version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                return new Hdf5Committable(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong());
            }
        }
    }

    /** Serializer of {@link Hdf5WriterState}, version 1. */
    static final class WriterStateSerializer implements SimpleVersionedSerializer<Hdf5WriterState> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Hdf5WriterState s) throws IOException {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bos)) {
                out.writeUTF(s.seriesId());
                out.writeInt(s.snapshot().length);
                out.write(s.snapshot());
            }
            return bos.toByteArray();
        }

        @Override
        public Hdf5WriterState deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown HDF5 writer state version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                String id = in.readUTF();
                byte[] snap = new byte[in.readInt()];
                in.readFully(snap);
                return new Hdf5WriterState(id, snap);
            }
        }
    }
}
