package io.beamflow.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The version-2 record header of a frame whose body is compressed, next to the version-1 header it extends. */
class CompressedRecordHeaderTest {
    private final UnsafeBuffer buf = new UnsafeBuffer(new byte[256]);
    private final NativeHeaderFlyweight fly = new NativeHeaderFlyweight();

    private int encode(PixelType type, long bodyLength, PayloadCodec codec) {
        return NativeHeaderFlyweight.encode(buf, 0, MessageType.FRAME, "7", 3, 0, 1, 1024, 512, type, 0, 0,
                bodyLength, codec);
    }

    @Test
    void shouldCarryCodecAndCompressedLengthInVersionTwo() {
        int n = encode(PixelType.UINT32, 123_456, PayloadCodec.BSLZ4);
        fly.wrapRecord(buf, 0, n);
        assertNull(fly.validate(WireLimits.DEFAULT));
        assertEquals(2, fly.version());
        assertEquals(PayloadCodec.BSLZ4, fly.payloadCodec());
        assertEquals(PixelType.UINT32, fly.toFrameHeader().pixelType());
        assertEquals(123_456, fly.payloadLength());
        assertEquals(1024L * 512 * 4, fly.toFrameHeader().payloadLength(), "the frame's raw size from its shape");
    }

    @Test
    void shouldWriteRawFramesAsTheVersionOneBytesOldReadersKnow() {
        int n = encode(PixelType.UINT16, 1024L * 512 * 2, PayloadCodec.RAW);
        byte[] viaCodec = Arrays.copyOf(buf.byteArray(), n);
        buf.setMemory(0, 256, (byte) 0);
        int m = NativeHeaderFlyweight.encode(buf, 0, MessageType.FRAME, "7", 3, 0, 1, 1024, 512, PixelType.UINT16,
                0, 0, 1024L * 512 * 2);
        assertArrayEquals(Arrays.copyOf(buf.byteArray(), m), viaCodec);
        fly.wrapRecord(buf, 0, m);
        assertEquals(1, fly.version());
        assertEquals(PayloadCodec.RAW, fly.payloadCodec());
        assertEquals(PixelType.UINT16.code(), buf.getInt(48, ByteOrder.LITTLE_ENDIAN), "pixel type field as before");
    }

    @Test
    void shouldRejectCompressedLengthBeyondTheBoundOrBelowTheHeader() {
        int n = encode(PixelType.UINT16, 11, PayloadCodec.BSLZ4);
        fly.wrapRecord(buf, 0, n);
        assertEquals(RejectReason.PAYLOAD_LENGTH_MISMATCH, fly.validate(WireLimits.DEFAULT));
        n = encode(PixelType.UINT16, 4L * 1024 * 512 * 2, PayloadCodec.BSLZ4); // beyond even 8-element blocks
        fly.wrapRecord(buf, 0, n);
        assertEquals(RejectReason.PAYLOAD_LENGTH_MISMATCH, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRejectUnknownCodecAndVersionTwoWithoutCompression() {
        int n = encode(PixelType.UINT16, 1000, PayloadCodec.BSLZ4);
        buf.putShort(50, (short) 99, ByteOrder.LITTLE_ENDIAN);
        fly.wrapRecord(buf, 0, n);
        assertEquals(RejectReason.BAD_ENCODING, fly.validate(WireLimits.DEFAULT));
        buf.putShort(50, (short) 0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.BAD_ENCODING, fly.validate(WireLimits.DEFAULT));
        buf.putShort(4, (short) 3, ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.UNSUPPORTED_VERSION, fly.validate(WireLimits.DEFAULT));
    }

    @Test
    void shouldRefuseToCompressAMarker() {
        assertThrows(IllegalArgumentException.class, () -> NativeHeaderFlyweight.encode(buf, 0,
                MessageType.SERIES_END, "7", 0, 0, 1, 0, 0, null, 0, 0, 5, PayloadCodec.BSLZ4));
    }

    @Test
    void shouldMapSinkCompressionNamesToThePassThroughCodec() {
        assertEquals(PayloadCodec.BSLZ4, PayloadCodec.ofSinkCompression(" BSLZ4 "));
        assertEquals(PayloadCodec.BSLZ4, PayloadCodec.ofSinkCompression("bitshuffle-lz4"));
        assertNull(PayloadCodec.ofSinkCompression("deflate"));
        assertNull(PayloadCodec.ofSinkCompression("none"));
        assertNull(PayloadCodec.ofSinkCompression(null));
    }
}
