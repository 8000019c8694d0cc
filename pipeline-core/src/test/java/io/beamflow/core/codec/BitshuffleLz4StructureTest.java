package io.beamflow.core.codec;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link BitshuffleLz4Codec#checkStructure}: the ingest's cheap check of a compressed frame kept compressed. */
class BitshuffleLz4StructureTest {
    private static byte[] compressed(int elements, int elementSize) {
        byte[] raw = new byte[elements * elementSize];
        SplittableRandom rnd = new SplittableRandom(elements);
        for (int i = 0; i < raw.length; i += elementSize) {
            raw[i] = (byte) rnd.nextInt(8); // compressible, like counts
        }
        byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, elementSize)];
        int n = new BitshuffleLz4Codec().compress(raw, 0, raw.length, elementSize, out, 0);
        return Arrays.copyOf(out, n);
    }

    private static String check(byte[] data, long expected, int elementSize) {
        return BitshuffleLz4Codec.checkStructure(new UnsafeBuffer(data), 0, data.length, expected, elementSize);
    }

    @ParameterizedTest
    @CsvSource({"1, 100000", "2, 4096", "2, 4099", "4, 70001", "2, 7"})
    void shouldAcceptWellFormedChunks(int elementSize, int elements) {
        assertNull(check(compressed(elements, elementSize), (long) elements * elementSize, elementSize));
    }

    @Test
    void shouldRejectATotalThatDisagreesWithTheShape() {
        byte[] c = compressed(4096, 2);
        assertTrue(check(c, 4096 * 2 + 2, 2).contains("shape and type imply"));
        new UnsafeBuffer(c).putLong(0, -1L, ByteOrder.BIG_ENDIAN);
        assertTrue(check(c, 4096 * 2, 2).contains("18446744073709551615"), "unsigned, no overflow");
    }

    @Test
    void shouldRejectInvalidBlockSizes() {
        for (int block : new int[] {0, 3, 2 * 12, 1 << 30, -8}) {
            byte[] c = compressed(4096, 2);
            new UnsafeBuffer(c).putInt(8, block, ByteOrder.BIG_ENDIAN);
            assertTrue(check(c, 4096 * 2, 2).contains("invalid block size"), "block size " + block);
        }
    }

    @Test
    void shouldRejectBlockLengthsBeyondTheDataOrTheLz4BoundWithoutOverflow() {
        for (int length : new int[] {Integer.MAX_VALUE, -1, 0, 9000, 100_000}) {
            byte[] c = compressed(16384, 2);
            new UnsafeBuffer(c).putInt(12, length, ByteOrder.BIG_ENDIAN);
            assertTrue(check(c, 16384 * 2, 2).contains("block 0 declares"), "length " + length);
        }
    }

    @Test
    void shouldRejectTruncatedAndPaddedData() {
        byte[] c = compressed(16384, 2);
        assertTrue(check(Arrays.copyOf(c, 11), 16384 * 2, 2).contains("shorter than its 12-byte header"));
        assertTrue(check(Arrays.copyOf(c, c.length - 1), 16384 * 2, 2) != null);
        assertTrue(check(Arrays.copyOf(c, c.length + 1), 16384 * 2, 2).contains("after its blocks"));
        assertTrue(check(Arrays.copyOf(c, 14), 16384 * 2, 2).contains("ends at block 0"));
    }
}
