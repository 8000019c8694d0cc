package io.beamflow.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The named-array carrier of a series start: round trip, the start-body split, and bounds on what a decoder reads. */
class SeriesArraysTest {
    private static final List<SeriesArrays.NamedArray> ARRAYS = List.of(
            new SeriesArrays.NamedArray("pixel_mask", PixelType.UINT32, new long[] {3, 2}, new byte[24]),
            new SeriesArrays.NamedArray("flatfield", PixelType.FLOAT32, new long[] {2}, new byte[] {0, 0, -128, 63, 0, 0, 0, 64}));

    @Test
    void shouldRoundTripArraysBehindTheMetadataJson() {
        byte[] json = "{\"a\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        byte[] body = SeriesArrays.startBody(json, SeriesArrays.encode(ARRAYS));
        assertEquals(json.length, SeriesArrays.jsonLength(body));
        List<SeriesArrays.NamedArray> back = SeriesArrays.decode(SeriesArrays.splitStartBody(body), 1 << 20);
        assertEquals(2, back.size());
        assertEquals("pixel_mask", back.get(0).name());
        assertArrayEquals(new long[] {3, 2}, back.get(0).dims());
        assertEquals(PixelType.FLOAT32, back.get(1).type());
        assertArrayEquals(ARRAYS.get(1).data(), back.get(1).data());
        assertNull(SeriesArrays.splitStartBody(json), "a body without arrays is the JSON alone");
        assertEquals(json.length, SeriesArrays.jsonLength(json));
    }

    @Test
    void shouldRefuseTruncatedOversizeAndMalformedEncodings() {
        byte[] good = SeriesArrays.encode(ARRAYS);
        assertThrows(IllegalArgumentException.class, () -> SeriesArrays.decode(Arrays.copyOf(good, good.length - 1), 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> SeriesArrays.decode(good, 10), "more bytes than the limit");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> SeriesArrays.decode(trailing, 1 << 20));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThrows(IllegalArgumentException.class, () -> SeriesArrays.decode(magic, 1 << 20));
        // a data length of 4 GiB - 1 declared in a few bytes: refused before anything is allocated
        ByteBuffer b = ByteBuffer.allocate(8 + 2 + 1 + 2 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x41534642).putShort((short) 1).putShort((short) 1).putShort((short) 1).put((byte) 'm')
                .put((byte) PixelType.UINT8.code()).put((byte) 1).putInt(-1).putInt(-1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeriesArrays.decode(b.array(), Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        // dimensions whose product disagrees with the data
        assertThrows(IllegalArgumentException.class, () -> new SeriesArrays.NamedArray("m", PixelType.UINT16,
                new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[2]));
        assertThrows(IllegalArgumentException.class, () -> new SeriesArrays.NamedArray("bad name", PixelType.UINT8,
                new long[] {1}, new byte[1]));
    }
}
