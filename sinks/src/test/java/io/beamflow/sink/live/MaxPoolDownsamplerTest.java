package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beamflow.core.frame.PixelType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class MaxPoolDownsamplerTest {

    private static byte[] uint16(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    @Test
    void shouldKeepSinglePixelSpotWhenPooling() {
        int w = 1030;
        int h = 514;
        int[] px = new int[w * h];
        px[300 * w + 777] = 60000;
        MaxPoolDownsampler.Image img = MaxPoolDownsampler.downsample(uint16(px), PixelType.UINT16, w, h, 512);
        assertEquals(3, img.binning());
        assertEquals(344, img.width());
        assertEquals(172, img.height());
        assertEquals(60000f, img.pixels()[(300 / 3) * img.width() + 777 / 3]);
        float sum = 0;
        for (float v : img.pixels()) {
            sum += v;
        }
        assertEquals(60000f, sum);
    }

    @Test
    void shouldPoolUint16FramesLikeAnyOtherPixelType() {
        int w = 1031;
        int h = 517;
        java.util.Random random = new java.util.Random(4);
        int[] px = new int[w * h];
        ByteBuffer asInt32 = ByteBuffer.allocate(px.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < px.length; i++) {
            px[i] = random.nextInt(65536);
            asInt32.putInt(px[i]);
        }
        for (int maxEdge : new int[] {516, 512, 300, 1031}) {
            MaxPoolDownsampler.Image expected = MaxPoolDownsampler.downsample(asInt32.array(), PixelType.INT32, w, h,
                    maxEdge);
            MaxPoolDownsampler.Image actual = MaxPoolDownsampler.downsample(uint16(px), PixelType.UINT16, w, h, maxEdge);
            assertEquals(expected.width(), actual.width());
            assertEquals(expected.height(), actual.height());
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.pixels(), actual.pixels(), "max edge " + maxEdge);
        }
    }

    @Test
    void shouldLeaveSmallFramesUnbinned() {
        int[] px = {1, 2, 3, 65535, 5, 6};
        MaxPoolDownsampler.Image img = MaxPoolDownsampler.downsample(uint16(px), PixelType.UINT16, 3, 2, 512);
        assertEquals(1, img.binning());
        assertEquals(65535f, img.pixels()[3]);
    }

    @Test
    void shouldReadSignedAndFloatTypes() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(-5).putInt(-7).putInt(-1).putInt(-9);
        MaxPoolDownsampler.Image img = MaxPoolDownsampler.downsample(b.array(), PixelType.INT32, 2, 2, 1);
        assertEquals(-1f, img.pixels()[0]);
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        assertEquals(1.5f, MaxPoolDownsampler.downsample(f.array(), PixelType.FLOAT32, 2, 1, 1).pixels()[0]);
    }

    @Test
    void shouldRefuseShortBuffer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaxPoolDownsampler.downsample(new byte[10], PixelType.UINT16, 4, 4, 2));
        assertEquals("frame 4x4 uint16 needs 32 bytes, got 10", e.getMessage());
    }
}
