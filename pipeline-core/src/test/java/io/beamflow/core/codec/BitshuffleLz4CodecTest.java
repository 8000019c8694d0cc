package io.beamflow.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BitshuffleLz4CodecTest {
    private static byte[] detectorLike(int elements, int elementSize, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[elements * elementSize];
        for (int i = 0; i < elements; i++) {
            long v = r.nextInt(8) + (r.nextInt(1000) == 0 ? r.nextInt(60000) : 0);
            for (int k = 0; k < elementSize; k++) {
                b[i * elementSize + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    @ParameterizedTest
    @CsvSource({"1,10003", "2,1048576", "2,8197", "4,5000", "4,3"})
    void shouldRoundTripIncludingPartialAndLeftoverBlocks(int elementSize, int elements) {
        byte[] raw = detectorLike(elements, elementSize, elements);
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        byte[] packed = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, elementSize)];
        int n = codec.compress(raw, 0, raw.length, elementSize, packed, 0);
        assertEquals(raw.length, BitshuffleLz4Codec.uncompressedLength(packed, 0));
        byte[] back = new byte[raw.length];
        assertEquals(raw.length, codec.decompress(packed, 0, n, elementSize, back, 0));
        assertArrayEquals(raw, back);
        if (elements > 100_000) {
            assertTrue(n < raw.length / 3, "detector-like data should compress well, got " + n);
        }
    }

    @Test
    void shouldMatchBitLayoutOfReferenceDefinition() {
        byte[] raw = detectorLike(64, 2, 7);
        byte[] shuffled = new byte[raw.length];
        Bitshuffle.shuffle(raw, 0, shuffled, 0, 64, 2);
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 8; k++) {
                    int expected = (raw[i * 2 + j] >>> k) & 1;
                    int actual = (shuffled[(j * 8 + k) * 8 + i / 8] >>> (i % 8)) & 1;
                    assertEquals(expected, actual, "element " + i + " byte " + j + " bit " + k);
                }
            }
        }
    }

    @Test
    void shouldRejectCorruptOrOversizedInputWithoutAllocatingFromIt() {
        byte[] raw = detectorLike(4096, 2, 3);
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        byte[] packed = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
        int n = codec.compress(raw, 0, raw.length, 2, packed, 0);
        byte[] small = new byte[raw.length / 2];
        assertThrows(CodecException.class, () -> codec.decompress(packed, 0, n, 2, small, 0));
        byte[] truncated = Arrays.copyOf(packed, n - 10);
        assertThrows(CodecException.class, () -> codec.decompress(truncated, 0, truncated.length, 2, new byte[raw.length], 0));
        byte[] lying = packed.clone();
        lying[0] = 0x7F;
        assertThrows(CodecException.class, () -> codec.decompress(lying, 0, n, 2, new byte[raw.length], 0));
    }
}
