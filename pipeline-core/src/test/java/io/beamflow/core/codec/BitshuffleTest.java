package io.beamflow.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BitshuffleTest {
    @Test
    void shouldMatchBitLayoutDefinitionForFullRandom16BitBlocksOnTheFastPath() {
        int n = 4096;
        byte[] raw = new byte[n * 2 + 6];
        new Random(11).nextBytes(raw);
        byte[] shuffled = new byte[n * 2 + 3];
        Bitshuffle.shuffle(raw, 6, shuffled, 3, n, 2);
        int rowBytes = n / 8;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 8; k++) {
                    int expected = (raw[6 + i * 2 + j] >>> k) & 1;
                    int actual = (shuffled[3 + (j * 8 + k) * rowBytes + i / 8] >>> (i % 8)) & 1;
                    assertEquals(expected, actual, "element " + i + " byte " + j + " bit " + k);
                }
            }
        }
        byte[] back = new byte[n * 2];
        Bitshuffle.unshuffle(shuffled, 3, back, 0, n, 2);
        byte[] expect = new byte[n * 2];
        System.arraycopy(raw, 6, expect, 0, n * 2);
        assertArrayEquals(expect, back);
    }
}
