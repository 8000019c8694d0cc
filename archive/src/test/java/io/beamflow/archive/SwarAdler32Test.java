package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;

/** The word-parallel ADLER32 gives zlib's values for every length, alignment, buffer kind and byte pattern. */
class SwarAdler32Test {
    private static long zlib(byte[] data, int off, int len) {
        Adler32 z = new Adler32();
        z.update(data, off, len);
        return z.getValue();
    }

    @Test
    void shouldMatchZlibForEveryLengthAndOffsetAroundTheBlockSizes() {
        byte[] data = new byte[3 * 1024 + 200];
        new SplittableRandom(7).nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        for (int off = 0; off < 9; off++) {
            for (int len = 0; off + len <= data.length; len += len < 200 ? 1 : 61) {
                long want = zlib(data, off, len);
                SwarAdler32 heap = new SwarAdler32();
                heap.update(data, off, len);
                assertEquals(want, heap.getValue(), "heap, offset " + off + ", length " + len);
                SwarAdler32 d = new SwarAdler32();
                ByteBuffer slice = direct.duplicate().position(off).limit(off + len);
                d.update(slice);
                assertEquals(want, d.getValue(), "direct, offset " + off + ", length " + len);
                assertEquals(off + len, slice.position(), "position moved to the limit");
            }
        }
    }

    @Test
    void shouldMatchZlibOnAllOnesWhereTheLanesAreFullest() {
        // 0xff everywhere is the largest value of every lane sum: no carry may cross into the top lane
        byte[] data = new byte[(3 << 20) + 13];
        Arrays.fill(data, (byte) 0xff);
        SwarAdler32 s = new SwarAdler32();
        s.update(ByteBuffer.wrap(data));
        assertEquals(zlib(data, 0, data.length), s.getValue());
    }

    @Test
    void shouldMatchZlibWhenFedInPiecesAcrossReductionBlocks() {
        byte[] data = new byte[(5 << 20) + 77];
        new SplittableRandom(11).nextBytes(data);
        SwarAdler32 s = new SwarAdler32();
        Adler32 z = new Adler32();
        SplittableRandom cut = new SplittableRandom(3);
        int p = 0;
        while (p < data.length) {
            int n = Math.min(data.length - p, cut.nextInt(1, 3 << 20));
            s.update(data, p, n);
            z.update(data, p, n);
            assertEquals(z.getValue(), s.getValue(), "after " + (p + n) + " bytes");
            p += n;
        }
        s.update(0x80);
        z.update(0x80);
        assertEquals(z.getValue(), s.getValue(), "single byte update");
        s.reset();
        assertEquals(1L, s.getValue(), "reset gives the ADLER32 of nothing");
        assertEquals("00000001", s.hex());
    }
}
