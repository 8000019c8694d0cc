package io.beamflow.reduce.flink.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.enumerator.JournalEnumeratorState;
import io.beamflow.reduce.flink.source.enumerator.JournalEnumeratorStateSerializer;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import io.beamflow.reduce.flink.source.split.JournalSplitSerializer;
import io.beamflow.reduce.flink.source.split.JournalSplitState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Record decoding and the versioned split/enumerator-state serializers of the journal source. */
class JournalSourceUnitTest {
    private static UnsafeBuffer record(int width, int height) {
        FrameHeader h = new FrameHeader("s-1", 42, 0, 1, width, height, PixelType.UINT16, 7, 8);
        UnsafeBuffer buf = new UnsafeBuffer(new byte[128 + width * height * 2]);
        int n = NativeHeaderFlyweight.encodeFrame(buf, 0, h);
        for (int i = 0; i < width * height * 2; i++) {
            buf.putByte(n + i, (byte) i);
        }
        return new UnsafeBuffer(buf.byteArray(), 0, n + width * height * 2);
    }

    @Test
    void shouldDecodeFramesLargerThanTheHeaderLimit() {
        UnsafeBuffer rec = record(512, 512);
        JournalRecord r = new JournalRecordDecoder(WireLimits.DEFAULT).decode("a", 5, rec, 0, rec.capacity());
        assertEquals(MessageType.FRAME, r.type);
        assertEquals(42, r.frameNumber);
        assertEquals(512 * 512 * 2, r.payload.length);
        assertEquals((byte) 3, r.payload[3]);
        assertEquals(5, r.journalIndex);
    }

    @Test
    void shouldRejectMalformedRecordsWithAReason() {
        JournalRecordDecoder decoder = new JournalRecordDecoder(WireLimits.DEFAULT);
        UnsafeBuffer rec = record(4, 4);
        rec.putInt(0, 0xBAD);
        assertNull(decoder.decode("a", 1, rec, 0, rec.capacity()));
        assertEquals("BAD_MAGIC", decoder.lastError());
        UnsafeBuffer truncated = record(4, 4);
        assertNull(decoder.decode("a", 1, truncated, 0, truncated.capacity() - 3));
        assertEquals(true, decoder.lastError().startsWith("body has"));
        assertNull(decoder.decode("a", 1, truncated, 0, 10));
    }

    @Test
    void shouldRoundTripSplitsAndEnumeratorState() throws IOException {
        JournalSplit split = new JournalSplit("stream-a", "/data/journal/stream-a", 123456789L, 2);
        JournalSplitSerializer ser = new JournalSplitSerializer();
        assertEquals(split, ser.deserialize(ser.getVersion(), ser.serialize(split)));
        assertThrows(IOException.class, () -> ser.deserialize(99, ser.serialize(split)));
        JournalSplitState state = new JournalSplitState(split);
        state.advance(123456790L, true);
        assertEquals(0, new JournalSplitState(split).nextSequence());
        assertEquals(new JournalSplit("stream-a", "/data/journal/stream-a", 123456791L, 3).at(123456791L, 3, 1),
                state.toSplit());
        assertEquals(1, state.nextSequence());
        JournalSplit counted = state.toSplit();
        assertEquals(counted, ser.deserialize(ser.getVersion(), ser.serialize(counted)));
        JournalEnumeratorState es = new JournalEnumeratorState(Set.of("x", "y"), List.of(split));
        JournalEnumeratorStateSerializer eser = new JournalEnumeratorStateSerializer();
        JournalEnumeratorState back = eser.deserialize(eser.getVersion(), eser.serialize(es));
        assertEquals(es.assignedStreams(), back.assignedStreams());
        assertArrayEquals(es.pendingSplits().toArray(), back.pendingSplits().toArray());
    }

    @Test
    void shouldRoundTripRemoteSplitsWhoseIdsNameTheirServer() throws IOException {
        JournalSplit a = JournalSplit.remote("tcp://det-ingest-1:7000", "tcp-0.0.0.0-9999", 77L, 1);
        JournalSplit b = JournalSplit.remote("tcp://det-ingest-2:7000", "tcp-0.0.0.0-9999", 77L, 1);
        assertEquals("det-ingest-1:7000/tcp-0.0.0.0-9999", a.splitId());
        assertNotEquals(a.splitId(), b.splitId(), "same stream name on two nodes: two splits");
        assertTrue(a.isRemote());
        assertEquals("tcp-0.0.0.0-9999", a.remoteStream());
        JournalSplitSerializer ser = new JournalSplitSerializer();
        assertEquals(a, ser.deserialize(ser.getVersion(), ser.serialize(a)));
        JournalSplitState state = new JournalSplitState(a);
        state.advance(80L, true);
        assertEquals(JournalSplit.remote("tcp://det-ingest-1:7000", "tcp-0.0.0.0-9999", 81L, 2).at(81L, 2, 1),
                state.toSplit());
        JournalEnumeratorStateSerializer eser = new JournalEnumeratorStateSerializer();
        JournalEnumeratorState es = new JournalEnumeratorState(Set.of(a.splitId()), List.of(b));
        assertEquals(List.of(b), eser.deserialize(eser.getVersion(), eser.serialize(es)).pendingSplits());
        assertThrows(IllegalArgumentException.class, () -> JournalSplit.remote("", "s", 0, 0));
    }

    @Test
    void shouldRestoreSplitsAndEnumeratorStateOfVersion1() throws IOException {
        ByteArrayOutputStream split = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(split)) {
            writeVersion1Split(out, "stream-a", "/data/journal/stream-a", 99L, 2);
        }
        JournalSplit expected = new JournalSplit("stream-a", "/data/journal/stream-a", 99L, 2);
        assertEquals(expected, new JournalSplitSerializer().deserialize(1, split.toByteArray()));

        ByteArrayOutputStream state = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(state)) {
            out.writeInt(1);
            out.writeUTF("stream-b");
            out.writeInt(1);
            writeVersion1Split(out, "stream-a", "/data/journal/stream-a", 99L, 2);
        }
        JournalEnumeratorState restored = new JournalEnumeratorStateSerializer().deserialize(1, state.toByteArray());
        assertEquals(Set.of("stream-b"), restored.assignedStreams());
        assertEquals(List.of(expected), restored.pendingSplits());
    }

    @Test
    void shouldRestoreRemoteSplitsOfVersion2CountingRecordsFromZero() throws IOException {
        ByteArrayOutputStream split = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(split)) {
            writeVersion1Split(out, "det-ingest-1:7000/s", "", 42L, 1);
            out.writeUTF("tcp://det-ingest-1:7000");
            out.writeUTF("s");
        }
        JournalSplit restored = new JournalSplitSerializer().deserialize(2, split.toByteArray());
        assertEquals(JournalSplit.remote("tcp://det-ingest-1:7000", "s", 42L, 1), restored);
        assertEquals(0, restored.recordsEmitted());
    }

    /** The layout version 1 wrote, before journal servers. */
    private static void writeVersion1Split(DataOutputStream out, String id, String dir, long index, int ends)
            throws IOException {
        out.writeUTF(id);
        out.writeUTF(dir);
        out.writeLong(index);
        out.writeInt(ends);
    }
}
