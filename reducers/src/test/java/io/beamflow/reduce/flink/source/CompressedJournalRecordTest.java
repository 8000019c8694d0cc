package io.beamflow.reduce.flink.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.CodecException;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.kernel.CompressedFrameDecoder;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Compressed frame records as the source copies them out, and the reduction's decode step. */
class CompressedJournalRecordTest {
    private static final int W = 100;
    private static final int H = 30;

    private static byte[] pixels(int seed) {
        byte[] p = new byte[W * H * 2];
        for (int i = 0; i < p.length; i += 2) {
            p[i] = (byte) ((i * seed) % 11);
        }
        return p;
    }

    private static byte[] compress(byte[] raw) {
        byte[] enc = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
        return Arrays.copyOf(enc, new BitshuffleLz4Codec().compress(raw, 0, raw.length, 2, enc, 0));
    }

    private static UnsafeBuffer record(byte[] body, PayloadCodec codec) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[256 + body.length]);
        int n = NativeHeaderFlyweight.encode(b, 0, MessageType.FRAME, "s", 5, 0, 1, W, H, PixelType.UINT16, 1, 2,
                body.length, codec);
        b.putBytes(n, body);
        return new UnsafeBuffer(b.byteArray(), 0, n + body.length);
    }

    @Test
    void shouldCopyACompressedBodyAsItIsWithItsCodecAndOldRawRecordsAsBefore() {
        JournalRecordDecoder decoder = new JournalRecordDecoder(WireLimits.DEFAULT);
        byte[] body = compress(pixels(3));
        UnsafeBuffer rec = record(body, PayloadCodec.BSLZ4);
        JournalRecord r = decoder.decode("st", 9, rec, 0, rec.capacity());
        assertEquals(PayloadCodec.BSLZ4, r.payloadCodec, decoder.lastError());
        assertArrayEquals(body, r.payload);
        assertEquals(W, r.width);
        assertEquals(PixelType.UINT16, r.pixelType);

        // a record written before compressed frames existed (encodeFrame: version 1)
        UnsafeBuffer old = new UnsafeBuffer(new byte[256 + W * H * 2]);
        int n = NativeHeaderFlyweight.encodeFrame(old, 0, new FrameHeader("s", 6, 0, 1, W, H, PixelType.UINT16, 0, 0));
        old.putBytes(n, pixels(4));
        JournalRecord o = decoder.decode("st", 10, old, 0, n + W * H * 2);
        assertEquals(PayloadCodec.RAW, o.payloadCodec);
        assertArrayEquals(pixels(4), o.payload);
    }

    @Test
    void shouldDecompressIntoOneReusedBufferOrANewArrayAndRejectCorruptBodies() {
        CompressedFrameDecoder d = new CompressedFrameDecoder();
        byte[] a = d.decode(compress(pixels(1)), PayloadCodec.BSLZ4, W, H, PixelType.UINT16, true);
        assertArrayEquals(pixels(1), a);
        byte[] b = d.decode(compress(pixels(2)), PayloadCodec.BSLZ4, W, H, PixelType.UINT16, true);
        assertSame(a, b, "no allocation per frame");
        assertArrayEquals(pixels(2), b);
        byte[] owned = d.decode(compress(pixels(2)), PayloadCodec.BSLZ4, W, H, PixelType.UINT16, false);
        assertNotSame(b, owned);
        assertArrayEquals(pixels(2), owned);
        byte[] raw = pixels(7);
        assertSame(raw, d.decode(raw, PayloadCodec.RAW, W, H, PixelType.UINT16, true));

        byte[] corrupt = compress(pixels(5));
        for (int i = 16; i < corrupt.length; i += 7) {
            corrupt[i] = (byte) 0xFF; // well-formed block lengths, garbage LZ4 content
        }
        assertThrows(CodecException.class, () -> d.decode(corrupt, PayloadCodec.BSLZ4, W, H, PixelType.UINT16, true));
        byte[] wrongShape = compress(pixels(5));
        assertThrows(CodecException.class,
                () -> d.decode(wrongShape, PayloadCodec.BSLZ4, W, H + 1, PixelType.UINT16, false));
    }
}
