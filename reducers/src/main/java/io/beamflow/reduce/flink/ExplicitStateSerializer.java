package io.beamflow.reduce.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Base of Beamflow's explicit state serializers: a stateless serializer of a mutable type whose every value
 * starts with its format version, so that a savepoint does not depend on Flink's reflective POJO or Kryo layout
 * of the class, and a later release reads what an earlier one wrote.
 *
 * @param <T> the state type
 */
public abstract class ExplicitStateSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;
    /** Largest string or array length accepted when reading. */
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final TypeSerializer<T> duplicate() {
        return this; // stateless
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public final void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public final boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode();
    }

    /**
     * Reads the format version that starts a value.
     *
     * @param in      the input
     * @param current the newest version this serializer reads
     * @param what    the state's name, for the error
     * @return the version
     * @throws IOException for a version this release does not know
     */
    static int readVersion(DataInputView in, int current, String what) throws IOException {
        int version = in.readUnsignedByte();
        if (version < 1 || version > current) {
            throw new IOException("unknown " + what + " format version " + version);
        }
        return version;
    }

    static void writeString(DataOutputView out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        byte[] b = new byte[checkedLength(n)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutputView out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        byte[] b = new byte[checkedLength(n)];
        in.readFully(b);
        return b;
    }

    static void writeInts(DataOutputView out, int[] v) throws IOException {
        out.writeInt(v == null ? -1 : v.length);
        if (v != null) {
            for (int x : v) {
                out.writeInt(x);
            }
        }
    }

    static int[] readInts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        int[] v = new int[checkedLength(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = in.readInt();
        }
        return v;
    }

    static int checkedLength(int n) throws IOException {
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupt state: length " + n);
        }
        return n;
    }
}
