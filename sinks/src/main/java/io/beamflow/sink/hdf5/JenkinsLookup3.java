package io.beamflow.sink.hdf5;

/** Bob Jenkins' lookup3 {@code hashlittle}, the checksum HDF5 uses for version-2 metadata structures. */
final class JenkinsLookup3 {
    private JenkinsLookup3() {
    }

    /**
     * @param data bytes
     * @param off  first byte
     * @param len  number of bytes
     * @return the lookup3 hash with initial value 0
     */
    static int hash(byte[] data, int off, int len) {
        int a = 0xdeadbeef + len;
        int b = a;
        int c = a;
        int k = off;
        int length = len;
        while (length > 12) {
            a += word(data, k);
            b += word(data, k + 4);
            c += word(data, k + 8);
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 12;
            k += 12;
        }
        if (length == 0) {
            return c;
        }
        for (int i = length - 1; i >= 0; i--) {
            int v = (data[k + i] & 0xff) << (8 * (i % 4));
            if (i >= 8) {
                c += v;
            } else if (i >= 4) {
                b += v;
            } else {
                a += v;
            }
        }
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] d, int i) {
        return (d[i] & 0xff) | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff) << 16 | (d[i + 3] & 0xff) << 24;
    }
}
