package io.beamflow.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.testutil.JournalRecords;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DECTRIS adapter fed message by message (no socket) against a real journal. */
class SimplonProtocolAdapterTest {
    @TempDir
    Path tmp;

    private SimplonAdapterFixture fixture;
    private FrameJournal journal;
    private StreamAccounting acct;
    private SimplonProtocolAdapter adapter;

    @BeforeEach
    void setUp() {
        fixture = new SimplonAdapterFixture(tmp);
        journal = fixture.journal;
        acct = fixture.acct;
        adapter = fixture.adapter;
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private boolean send(byte[]... parts) {
        return fixture.send(parts);
    }

    private static byte[] utf8(String s) {
        return SimplonAdapterFixture.utf8(s);
    }

    private static byte[] image(long series, long frame, int w, int h, String type, String encoding, byte[] data) {
        return utf8("{\"htype\":\"dimage_d-1.0\",\"shape\":[" + w + "," + h + "],\"type\":\"" + type
                + "\",\"encoding\":\"" + encoding + "\",\"size\":" + data.length + "}");
    }

    @Test
    void shouldAcceptHeaderDetailAllAndJournalBitshuffle32BitImagesAsReceived() throws Exception {
        byte[] config = utf8("{\"description\":\"EIGER2 X 4M\",\"x_pixels_in_detector\":40,\"y_pixels_in_detector\":30,"
                + "\"bit_depth_image\":32,\"nimages\":2,\"ntrigger\":1,\"wavelength\":1.0}");
        assertTrue(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":3,\"header_detail\":\"all\"}"), config,
                utf8("{\"htype\":\"dflatfield-1.0\",\"shape\":[40,30],\"type\":\"float32\"}"), new byte[4800],
                utf8("{\"htype\":\"dpixelmask-1.0\",\"shape\":[40,30],\"type\":\"uint32\"}"), new byte[4800],
                utf8("{\"htype\":\"dcountrate_table-1.0\",\"shape\":[2,1000],\"type\":\"float32\"}"), new byte[8000]));
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        byte[][] raw = new byte[2][40 * 30 * 4];
        byte[][] sent = new byte[2][];
        for (int f = 0; f < 2; f++) {
            SplittableRandom r = new SplittableRandom(f);
            for (int i = 0; i < raw[f].length; i += 4) {
                raw[f][i] = (byte) r.nextInt(8);
                raw[f][i + 1] = (byte) (r.nextInt(16) == 0 ? 1 : 0);
            }
            byte[] enc = new byte[BitshuffleLz4Codec.maxCompressedLength(raw[f].length, 4)];
            int n = codec.compress(raw[f], 0, raw[f].length, 4, enc, 0);
            byte[] data = java.util.Arrays.copyOf(enc, n);
            sent[f] = data;
            assertTrue(send(utf8("{\"htype\":\"dimage-1.0\",\"series\":3,\"frame\":" + f + ",\"hash\":\"\"}"),
                    image(3, f, 40, 30, "uint32", "bs32-lz4<", data), data, utf8("{\"htype\":\"dconfig-1.0\"}")));
        }
        assertTrue(send(utf8("{\"htype\":\"dseries_end-1.0\",\"series\":3}")));
        List<JournalRecords.Rec> recs = JournalRecords.readAll(tmp.resolve("j"));
        assertEquals(4, recs.size());
        byte[] startBody = recs.get(0).body();
        JsonNode meta = new ObjectMapper().readTree(java.util.Arrays.copyOf(startBody,
                io.beamflow.core.wire.SeriesArrays.jsonLength(startBody)));
        assertEquals("EIGER2 X 4M", meta.get("detector_description").asText());
        assertEquals(4800, meta.get("dpixelmask_bytes").asInt());
        // the header's arrays travel to the master after the JSON, [x, y] shapes as [y, x]
        var arrays = io.beamflow.core.wire.SeriesArrays.decode(io.beamflow.core.wire.SeriesArrays.splitStartBody(startBody),
                1 << 20);
        assertEquals(List.of("flatfield", "pixel_mask", "countrate_correction_lookup_table"),
                arrays.stream().map(a -> a.name()).toList());
        assertArrayEquals(new long[] {30, 40}, arrays.get(1).dims());
        assertEquals(PixelType.UINT32, arrays.get(1).type());
        assertArrayEquals(new long[] {1000, 2}, arrays.get(2).dims());
        assertEquals(40, recs.get(0).width());
        for (int f = 0; f < 2; f++) {
            assertEquals(PixelType.UINT32.code(), recs.get(1 + f).pixelType());
            assertEquals(PayloadCodec.BSLZ4, recs.get(1 + f).codec());
            assertArrayEquals(sent[f], recs.get(1 + f).body(), "journaled as received");
            assertEquals(sent[f].length, recs.get(1 + f).payloadLength());
            assertArrayEquals(raw[f], recs.get(1 + f).pixels());
        }
        assertEquals(MessageType.SERIES_END, recs.get(3).type());
        assertEquals(2, recs.get(3).payloadLength(), "nimages x ntrigger from the detector configuration");
    }

    @Test
    void shouldRejectStructurallyCorruptBitshuffleFramesAtIngestAndKeepJournalingTheGoodOnes() {
        byte[] raw = new byte[64 * 64 * 2];
        for (int i = 0; i < raw.length; i += 2) {
            raw[i] = (byte) (i % 7);
        }
        byte[] enc = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
        byte[] good = java.util.Arrays.copyOf(enc, new BitshuffleLz4Codec().compress(raw, 0, raw.length, 2, enc, 0));
        byte[] dconfig = utf8("{\"htype\":\"dconfig-1.0\"}");
        List<byte[]> corrupt = new java.util.ArrayList<>();
        byte[] blockTooLong = good.clone();
        new org.agrona.concurrent.UnsafeBuffer(blockTooLong).putInt(12, Integer.MAX_VALUE, java.nio.ByteOrder.BIG_ENDIAN);
        corrupt.add(blockTooLong);
        byte[] badBlockSize = good.clone();
        new org.agrona.concurrent.UnsafeBuffer(badBlockSize).putInt(8, 12, java.nio.ByteOrder.BIG_ENDIAN);
        corrupt.add(badBlockSize);
        corrupt.add(java.util.Arrays.copyOf(good, good.length - 3)); // truncated
        for (int f = 0; f < corrupt.size(); f++) {
            byte[] d = corrupt.get(f);
            assertFalse(send(utf8("{\"htype\":\"dimage-1.0\",\"series\":4,\"frame\":" + f + "}"),
                    image(4, f, 64, 64, "uint16", "bs16-lz4<", d), d, dconfig), "corrupt frame " + f);
        }
        byte[] wrongTotal = good.clone();
        wrongTotal[7] ^= 2;
        assertFalse(send(utf8("{\"htype\":\"dimage-1.0\",\"series\":4,\"frame\":3}"),
                image(4, 3, 64, 64, "uint16", "bs16-lz4<", wrongTotal), wrongTotal, dconfig));
        assertTrue(send(utf8("{\"htype\":\"dimage-1.0\",\"series\":4,\"frame\":4}"),
                image(4, 4, 64, 64, "uint16", "bs16-lz4<", good), good, dconfig));
        var sum = acct.summary();
        assertEquals(3, sum.rejected(RejectReason.BAD_ENCODING));
        assertEquals(1, sum.rejected(RejectReason.PAYLOAD_LENGTH_MISMATCH));
        assertEquals(1, sum.framesJournaled());
        assertEquals(good.length, sum.bytesJournaled(), "the compressed bytes, not the raw ones");
        JournalRecords.Rec rec = JournalRecords.frames(JournalRecords.readAll(tmp.resolve("j"))).get(0);
        assertArrayEquals(good, rec.body());
        assertArrayEquals(raw, rec.pixels());
    }

    @Test
    void shouldRejectMalformedDectrisMessagesWithNamedReasonsBeforeAllocating() {
        byte[] d = new byte[16];
        byte[] dconfig = utf8("{\"htype\":\"dconfig-1.0\"}");
        byte[] img0 = utf8("{\"htype\":\"dimage-1.0\",\"series\":1,\"frame\":0}");
        // a declared shape of 10 GiB: rejected from the JSON, nothing allocated
        assertFalse(send(img0, image(1, 0, 65536, 81920, "uint16", "lz4<", d), d, dconfig));
        assertFalse(send(img0, image(1, 0, 4, 2, "uint16", ">", d), d, dconfig)); // big-endian: unsupported
        assertFalse(send(img0, image(1, 0, 4, 2, "uint16", "<", d), new byte[15], dconfig)); // size mismatch
        assertFalse(send(img0, image(1, 0, 4, 2, "uint16", "<", new byte[15]), new byte[15], dconfig)); // raw length
        assertFalse(send(img0, image(1, 0, 4, 2, "uint16", "bs32-lz4<", d), d, dconfig)); // element size
        byte[] bsHeaderOnly = new byte[12];
        bsHeaderOnly[7] = 100; // declares 100 bytes, shape says 16
        assertFalse(send(img0, image(1, 0, 4, 2, "uint16", "bs16-lz4<", bsHeaderOnly), bsHeaderOnly, dconfig));
        assertFalse(send(img0, utf8("{\"htype\":\"dimage_d-1.0\",\"shape\":[4],\"type\":\"uint16\"}"), d, dconfig));
        assertFalse(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":1,\"header_detail\":\"basic\"}")));
        assertFalse(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":1,\"header_detail\":\"loud\"}")));
        assertFalse(send(utf8("{\"htype\":\"dwhatever-1.0\"}")));
        assertFalse(send(utf8("[1,2]")));
        assertFalse(send(new byte[5000])); // larger than the 4096-byte header limit
        assertTrue(send(img0, image(1, 0, 4, 2, "uint16", "<", d), d, dconfig));
        assertFalse(send(img0, image(1, 0, 4, 2, "uint16", "<", d), d, dconfig)); // duplicate
        var sum = acct.summary();
        assertEquals(1, sum.rejected(RejectReason.FRAME_TOO_LARGE));
        assertEquals(2, sum.rejected(RejectReason.BAD_ENCODING));
        assertEquals(3, sum.rejected(RejectReason.PAYLOAD_LENGTH_MISMATCH));
        assertEquals(1, sum.rejected(RejectReason.BAD_SHAPE));
        assertEquals(1, sum.rejected(RejectReason.WRONG_PART_COUNT));
        assertEquals(3, sum.rejected(RejectReason.BAD_JSON));
        assertEquals(1, sum.rejected(RejectReason.UNKNOWN_MESSAGE_TYPE));
        assertEquals(1, sum.rejected(RejectReason.DUPLICATE_FRAME_NUMBER));
        assertEquals(1, sum.framesJournaled());
    }
}
