package io.beamflow.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.accounting.RejectLog;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.receive.MessageParts;
import io.beamflow.ingest.testutil.JournalRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native protocol with version-2 headers: bitshuffle+LZ4 frames journaled as sent, after the same check. */
class NativeCompressedFrameTest {
    @TempDir
    Path tmp;

    @Test
    void shouldJournalAWellFormedCompressedFrameAsSentAndRejectAMalformedOne() {
        StreamAccounting acct = new StreamAccounting("s", "inproc://x", new SimpleMeterRegistry(),
                new RejectLog(System::nanoTime, 1));
        byte[] raw = new byte[32 * 16 * 4];
        for (int i = 0; i < raw.length; i += 4) {
            raw[i] = (byte) (i % 5);
        }
        byte[] enc = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 4)];
        byte[] body = Arrays.copyOf(enc, new BitshuffleLz4Codec().compress(raw, 0, raw.length, 4, enc, 0));
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(tmp.resolve("j")))) {
            NativeProtocolAdapter adapter = new NativeProtocolAdapter(
                    new IngestRecordWriter(journal, acct, new SystemEpochNanoClock()), WireLimits.DEFAULT);
            byte[] truncated = Arrays.copyOf(body, body.length - 2);
            assertFalse(adapter.onMessage(frame(0, truncated)));
            assertTrue(adapter.onMessage(frame(1, body)));
        }
        assertEquals(1, acct.summary().rejected(RejectReason.BAD_ENCODING));
        assertEquals(body.length, acct.summary().bytesJournaled());
        JournalRecords.Rec rec = JournalRecords.frames(JournalRecords.readAll(tmp.resolve("j"))).get(0);
        assertEquals(PayloadCodec.BSLZ4, rec.codec());
        assertArrayEquals(body, rec.body());
        assertArrayEquals(raw, rec.pixels());
    }

    private static MessageParts frame(long number, byte[] body) {
        UnsafeBuffer h = new UnsafeBuffer(new byte[128]);
        int n = NativeHeaderFlyweight.encode(h, 0, MessageType.FRAME, "c", number, 0, 1, 32, 16, PixelType.UINT32, 0,
                0, body.length, PayloadCodec.BSLZ4);
        MessageParts m = new MessageParts();
        m.add(Arrays.copyOf(h.byteArray(), n));
        m.add(body);
        return m;
    }
}
