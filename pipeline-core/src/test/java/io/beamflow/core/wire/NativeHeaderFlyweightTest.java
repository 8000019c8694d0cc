package io.beamflow.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class NativeHeaderFlyweightTest {
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[256]);
    private final NativeHeaderFlyweight fly = new NativeHeaderFlyweight();

    private int encode(int width, int height, PixelType type, long payload) {
        return NativeHeaderFlyweight.encode(buf, 0, MessageType.FRAME, "series-1", 7, 1, 4, width, height, type,
                123L, 0L, payload);
    }

    @Test
    void shouldRoundTripFrameHeader() {
        int n = encode(1024, 256, PixelType.UINT16, 1024L * 256 * 2);
        assertTrue(fly.wrap(buf, 0, n));
        assertNull(fly.validate(WireLimits.DEFAULT));
        FrameHeader h = fly.toFrameHeader();
        assertEquals(new FrameHeader("series-1", 7, 1, 4, 1024, 256, PixelType.UINT16, 123L, 0L), h);
        assertEquals(n, fly.encodedLength());
        assertTrue(fly.seriesIdEquals("series-1"));
        assertFalse(fly.seriesIdEquals("series-2"));
    }

    @Test
    void shouldRejectHeaderDeclaringTenGibibytes() {
        int n = encode(65536, 81920, PixelType.UINT16, 10L << 30);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.FRAME_TOO_LARGE, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRejectPayloadLengthThatDisagreesWithShape() {
        int n = encode(100, 100, PixelType.UINT16, 100 * 100);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.PAYLOAD_LENGTH_MISMATCH, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRejectTruncatedHeader() {
        int n = encode(10, 10, PixelType.UINT8, 100);
        assertFalse(fly.wrap(buf, 0, 40));
        assertEquals(RejectReason.TRUNCATED_HEADER, fly.validate(WireLimits.DEFAULT));
        fly.wrap(buf, 0, n - 3);
        assertEquals(RejectReason.TRUNCATED_HEADER, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRejectUnknownPixelTypeBadMagicAndBadShape() {
        int n = encode(10, 10, PixelType.UINT8, 100);
        buf.putInt(48, 99, ByteOrder.LITTLE_ENDIAN);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.UNKNOWN_PIXEL_TYPE, fly.validate(WireLimits.DEFAULT));

        n = encode(0, 10, PixelType.UINT8, 0);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.BAD_SHAPE, fly.validate(WireLimits.DEFAULT));

        n = encode(10, 10, PixelType.UINT8, 100);
        buf.putInt(0, 0xCAFEBABE, ByteOrder.LITTLE_ENDIAN);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.BAD_MAGIC, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRejectSeriesIdWithPathCharacters() {
        int n = NativeHeaderFlyweight.encode(buf, 0, MessageType.FRAME, "../etc", 1, 0, 1, 10, 10, PixelType.UINT8,
                0, 0, 100);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.BAD_SERIES_ID, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRejectHeaderLargerThanLimit() {
        int n = encode(10, 10, PixelType.UINT8, 100);
        fly.wrap(buf, 0, n);
        assertEquals(RejectReason.HEADER_TOO_LARGE, fly.validate(new WireLimits(64, 1 << 20)));
    }

    @Test
    void shouldValidateHeaderOfJournalRecordWithLargeBodyAgainstHeaderLimitOnly() {
        int payload = 1024 * 1024 * 2;
        UnsafeBuffer record = new UnsafeBuffer(new byte[200 + payload]);
        int n = NativeHeaderFlyweight.encode(record, 0, MessageType.FRAME, "series-1", 7, 0, 1, 1024, 1024,
                PixelType.UINT16, 0, 0, payload);
        assertTrue(fly.wrapRecord(record, 0, n + payload));
        assertNull(fly.validate(WireLimits.DEFAULT));
        assertEquals(n, fly.encodedLength());
        fly.wrap(record, 0, n + payload);
        assertEquals(RejectReason.HEADER_TOO_LARGE, fly.validate(WireLimits.DEFAULT));
    }
}
