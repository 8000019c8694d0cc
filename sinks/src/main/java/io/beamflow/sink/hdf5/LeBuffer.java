package io.beamflow.sink.hdf5;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Growable little-endian byte builder for HDF5 metadata structures. */
final class LeBuffer {
    /** The HDF5 "undefined address" value. */
    static final long UNDEFINED = -1L;

    private byte[] buf;
    private int size;

    LeBuffer(int initial) {
        buf = new byte[Math.max(16, initial)];
    }

    LeBuffer() {
        this(256);
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    LeBuffer u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    LeBuffer u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("value does not fit 16 bits: " + v);
        }
        return u8(v).u8(v >>> 8);
    }

    LeBuffer u32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    LeBuffer u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    LeBuffer bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    LeBuffer bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    LeBuffer ascii(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    LeBuffer zeros(int n) {
        ensure(n);
        size += n;
        return this;
    }

    /** Appends the lookup3 checksum of everything written from {@code from}. */
    LeBuffer checksumFrom(int from) {
        return u32(JenkinsLookup3.hash(buf, from, size - from) & 0xffffffffL);
    }

    void putU32At(int pos, long v) {
        for (int i = 0; i < 4; i++) {
            buf[pos + i] = (byte) (v >>> (8 * i));
        }
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }
}
