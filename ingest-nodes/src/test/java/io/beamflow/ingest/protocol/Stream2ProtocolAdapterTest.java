package io.beamflow.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.SeriesArrays;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.accounting.RejectLog;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.receive.JournalRecovery;
import io.beamflow.ingest.receive.MessageParts;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jpountz.lz4.LZ4Factory;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DECTRIS stream v2 adapter fed CBOR messages (written with Jackson's CBOR generator) against a real journal. */
class Stream2ProtocolAdapterTest {
    private static final CBORFactory CBOR = new CBORFactory();
    private static final int W = 40;
    private static final int H = 30;

    @TempDir
    Path tmp;

    private FrameJournal journal;
    private StreamAccounting acct;
    private Stream2ProtocolAdapter adapter;

    @BeforeEach
    void setUp() {
        open();
    }

    private void open() {
        journal = FrameJournal.open(new JournalConfig(tmp.resolve("j"), "FIVE_MINUTELY", 8L << 20));
        acct = new StreamAccounting("s", "inproc://x", new SimpleMeterRegistry(), new RejectLog(System::nanoTime, 1));
        JournalRecovery.restore(journal, acct);
        adapter = new Stream2ProtocolAdapter(new IngestRecordWriter(journal, acct, new SystemEpochNanoClock()),
                new WireLimits(4096, 1 << 20), new SimplonImageDecoder(BitshuffleSupport.decoder()));
    }

    @AfterEach
    void tearDown() {
        journal.close();
    }

    private boolean send(byte[] message) {
        MessageParts m = new MessageParts();
        m.add(message);
        return adapter.onMessage(m);
    }

    /** Writes one message: the self-describe tag, then a map the body fills. */
    interface Body {
        void write(CBORGenerator g) throws IOException;
    }

    static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = CBOR.createGenerator(out)) {
            g.writeTag(55799);
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Writes a tag-40 array {@code [[h, w], typedTag(bytes or 56500([alg, es, bytes]))]}. */
    static void mdArray(CBORGenerator g, long[] dims, int typedTag, String compression, int es, byte[] bytes)
            throws IOException {
        g.writeTag(40);
        g.writeStartArray();
        g.writeStartArray();
        for (long d : dims) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeTag(typedTag);
        if (compression != null) {
            g.writeTag(56500);
            g.writeStartArray();
            g.writeString(compression);
            g.writeNumber(es);
            g.writeBinary(bytes);
            g.writeEndArray();
        } else {
            g.writeBinary(bytes);
        }
        g.writeEndArray();
    }

    static byte[] start(long series, int images, String... channels) throws IOException {
        return message(g -> {
            g.writeStringField("type", "start");
            g.writeNumberField("series_id", series);
            g.writeStringField("series_unique_id", "uid-" + series);
            g.writeNumberField("image_size_x", W);
            g.writeNumberField("image_size_y", H);
            g.writeNumberField("number_of_images", images);
            g.writeNumberField("pixel_size_x", 7.5e-5);
            g.writeNumberField("pixel_size_y", 7.5e-5);
            g.writeNumberField("beam_center_x", 20.5);
            g.writeNumberField("beam_center_y", 14.0);
            g.writeNumberField("detector_distance", 0.125);
            g.writeNumberField("incident_wavelength", 0.9537);
            g.writeNumberField("incident_energy", 13000.0);
            g.writeNumberField("count_time", 0.00099);
            g.writeFieldName("frame_time");
            g.writeArray(new long[] {1, 1000}, 0, 2);
            g.writeStringField("sensor_material", "Si");
            g.writeNumberField("sensor_thickness", 4.5e-4);
            g.writeNumberField("saturation_value", 65000);
            g.writeStringField("detector_description", "Dectris EIGER2 Si 500K");
            g.writeStringField("detector_serial_number", "E-32-0123");
            g.writeFieldName("channels");
            g.writeStartArray();
            for (String c : channels) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("threshold_energy");
            for (int i = 0; i < channels.length; i++) {
                g.writeNumberField(channels[i], 6000.0 + i * 3000);
            }
            g.writeEndObject();
            g.writeObjectFieldStart("goniometer");
            g.writeObjectFieldStart("omega");
            g.writeNumberField("start", 10.0);
            g.writeNumberField("increment", 0.1);
            g.writeEndObject();
            g.writeEndObject();
            g.writeObjectFieldStart("pixel_mask");
            for (String c : channels) {
                g.writeFieldName(c);
                byte[] mask = new byte[W * H * 4];
                mask[4 * 7] = 1;
                mdArray(g, new long[] {H, W}, 70, null, 0, mask);
            }
            g.writeEndObject();
            g.writeFieldName("countrate_correction_lookup_table");
            g.writeTag(70);
            g.writeBinary(new byte[4 * 100]);
            g.writeObjectFieldStart("user_data");
            g.writeStringField("sample", "lysozyme");
            g.writeNumberField("shots", 3);
            g.writeEndObject();
        });
    }

    static byte[] image(long series, long id, Body data) throws IOException {
        return message(g -> {
            g.writeStringField("type", "image");
            g.writeNumberField("series_id", series);
            g.writeNumberField("image_id", id);
            g.writeFieldName("start_time");
            g.writeArray(new long[] {id * 3, 1000}, 0, 2);
            g.writeObjectFieldStart("data");
            data.write(g);
            g.writeEndObject();
        });
    }

    static byte[] end(long series) throws IOException {
        return message(g -> {
            g.writeStringField("type", "end");
            g.writeNumberField("series_id", series);
        });
    }

    private static byte[] pixels(int seed, int bytesPerPixel) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(W * H * bytesPerPixel).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            int v = r.nextInt(bytesPerPixel == 2 ? 65536 : 1 << 30) & (r.nextInt(8) == 0 ? -1 : 7);
            if (bytesPerPixel == 2) {
                b.putShort((short) v);
            } else {
                b.putInt(v);
            }
        }
        return b.array();
    }

    static byte[] bslz4(byte[] raw, int es) {
        byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, es)];
        int n = new BitshuffleLz4Codec().compress(raw, 0, raw.length, es, out, 0);
        return Arrays.copyOf(out, n);
    }

    /** LZ4 in the HDF5 LZ4 filter's framing: total size (8 bytes BE), block size (4 bytes BE), blocks. */
    static byte[] lz4Hdf5(byte[] raw, int block) {
        ByteBuffer b = ByteBuffer.allocate(12 + raw.length * 2 + 64).order(ByteOrder.BIG_ENDIAN);
        b.putLong(raw.length).putInt(block);
        for (int off = 0; off < raw.length; off += block) {
            int n = Math.min(block, raw.length - off);
            byte[] c = LZ4Factory.fastestInstance().fastCompressor().compress(Arrays.copyOfRange(raw, off, off + n));
            if (c.length >= n) {
                b.putInt(n).put(raw, off, n);
            } else {
                b.putInt(c.length).put(c);
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void shouldJournalRawBitshuffleAndLz4ImagesBitExactWithStartFieldsAsMetadata() throws Exception {
        byte[] u16 = pixels(1, 2);
        byte[] u16b = pixels(2, 2);
        byte[] u32 = pixels(3, 4);
        assertTrue(send(start(7, 3, "threshold_1")), acct.summary().toString());
        assertTrue(send(image(7, 0, g -> { g.writeFieldName("threshold_1"); mdArray(g, new long[] {H, W}, 69, null, 0, u16); })));
        assertTrue(send(image(7, 1, g -> { g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 69, "bslz4", 2, bslz4(u16b, 2)); })));
        assertTrue(send(image(7, 2, g -> { g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 70, "lz4", 0, lz4Hdf5(u32, 1000)); })));
        assertTrue(send(end(7)));

        List<Rec> all = JournalRecords.readAll(tmp.resolve("j"));
        assertEquals(MessageType.SERIES_START, all.get(0).type());
        assertEquals("7", all.get(0).seriesId());
        byte[] startBody = all.get(0).body();
        JsonNode meta = new ObjectMapper().readTree(Arrays.copyOf(startBody, SeriesArrays.jsonLength(startBody)));
        assertEquals("dectris-stream-v2", meta.get("source").asText());
        assertEquals("uid-7", meta.get("series_unique_id").asText());
        assertEquals(W, meta.get("x_pixels_in_detector").asInt());
        assertEquals(0.9537, meta.get("wavelength").asDouble());
        assertEquals(0.001, meta.get("frame_time").asDouble(), 1e-15);
        assertEquals(10.0, meta.get("omega_start").asDouble());
        assertEquals(0.1, meta.get("omega_increment").asDouble());
        assertEquals(6000.0, meta.get("threshold_energy").asDouble());
        assertEquals(3, meta.get("nimages").asInt());
        assertEquals("E-32-0123", meta.get("detector_number").asText());
        assertEquals("lysozyme", meta.get("user_data").get("sample").asText());
        JsonNode mask = meta.get("stream2_start").get("pixel_mask").get("threshold_1");
        assertEquals("uint32", mask.get("dtype").asText());
        assertEquals(List.of(H, W), List.of(mask.get("shape").get(0).asInt(), mask.get("shape").get(1).asInt()));
        assertEquals(100, meta.get("stream2_start").get("countrate_correction_lookup_table").get("shape").get(0).asInt());
        // the arrays themselves follow the JSON, decompressed, for the master
        List<SeriesArrays.NamedArray> arrays = SeriesArrays.decode(SeriesArrays.splitStartBody(startBody), 1 << 20);
        assertEquals(List.of("pixel_mask", "countrate_correction_lookup_table"),
                arrays.stream().map(SeriesArrays.NamedArray::name).toList());
        assertEquals(1, arrays.get(0).data()[4 * 7]);
        assertArrayEquals(new long[] {H, W}, arrays.get(0).dims());
        assertEquals(PixelType.UINT32, arrays.get(0).type());
        assertEquals("[\"pixel_mask\",\"countrate_correction_lookup_table\"]", meta.get("series_arrays").toString());

        List<Rec> frames = JournalRecords.frames(all);
        assertEquals(3, frames.size());
        assertArrayEquals(u16, frames.get(0).body());
        assertEquals(PayloadCodec.BSLZ4, frames.get(1).codec(), "bslz4 journaled as received (pass-through)");
        assertArrayEquals(bslz4(u16b, 2), frames.get(1).body());
        assertArrayEquals(u16b, frames.get(1).pixels());
        assertEquals(PayloadCodec.RAW, frames.get(2).codec(), "lz4 decoded at ingest");
        assertArrayEquals(u32, frames.get(2).body());
        assertEquals(PixelType.UINT16.code(), frames.get(1).pixelType());
        assertEquals(PixelType.UINT32.code(), frames.get(2).pixelType());
        assertEquals(W, frames.get(0).width());
        assertEquals(H, frames.get(0).height());
        Rec endRec = all.get(all.size() - 1);
        assertEquals(MessageType.SERIES_END, endRec.type());
        assertEquals(3, endRec.payloadLength());
    }

    @Test
    void shouldJournalSecondChannelAsItsOwnSeriesWithThresholdSuffix() throws Exception {
        byte[] a = pixels(4, 2);
        byte[] b = pixels(5, 2);
        assertTrue(send(start(9, 1, "threshold_1", "threshold_2")));
        assertTrue(send(image(9, 0, g -> {
            g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 69, null, 0, a);
            g.writeFieldName("threshold_2");
            mdArray(g, new long[] {H, W}, 69, "bslz4", 2, bslz4(b, 2));
        })));
        assertTrue(send(end(9)));
        List<Rec> all = JournalRecords.readAll(tmp.resolve("j"));
        List<Rec> frames = JournalRecords.frames(all);
        assertEquals(List.of("9", "9_threshold_2"), frames.stream().map(Rec::seriesId).toList());
        assertArrayEquals(a, frames.get(0).body());
        assertArrayEquals(b, frames.get(1).pixels());
        byte[] secondBody = all.stream().filter(r -> r.type() == MessageType.SERIES_START
                && r.seriesId().equals("9_threshold_2")).findFirst().orElseThrow().body();
        JsonNode second = new ObjectMapper().readTree(Arrays.copyOf(secondBody, SeriesArrays.jsonLength(secondBody)));
        assertEquals("threshold_2", second.get("channel").asText());
        assertEquals(9000.0, second.get("threshold_energy").asDouble());
        assertEquals(2, all.stream().filter(r -> r.type() == MessageType.SERIES_END).count());
        assertTrue(acct.summary().series("9_threshold_2").ended());
    }

    @Test
    void shouldRejectBadCborWithNamedReasonsAndKeepJournalingTheNextSeries() throws Exception {
        byte[] good = image(3, 0, g -> { g.writeFieldName("threshold_1"); mdArray(g, new long[] {H, W}, 69, null, 0, pixels(6, 2)); });
        assertTrue(send(start(3, 1, "threshold_1")));
        // truncated
        assertFalse(send(Arrays.copyOf(good, good.length - 100)));
        // a declared byte-string length far beyond the message (8-byte length 2^62)
        assertFalse(send(new byte[] {(byte) 0x5b, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}));
        // an unknown tag on the image
        assertFalse(send(image(3, 0, g -> { g.writeFieldName("threshold_1"); g.writeTag(12345); g.writeBinary(new byte[4]); })));
        // size mismatch: raw bytes one pixel short
        assertFalse(send(image(3, 0, g -> { g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 69, null, 0, new byte[W * H * 2 - 2]); })));
        // huge declared dimensions whose product overflows 64 bits
        assertFalse(send(image(3, 0, g -> { g.writeFieldName("threshold_1");
            mdArray(g, new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE}, 70, null, 0, new byte[16]); })));
        // bslz4 whose header declares another size
        assertFalse(send(image(3, 0, g -> { g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 69, "bslz4", 2, bslz4(new byte[W * H], 2)); })));
        // float64 pixels (typed-array tag 86) are not stored
        assertFalse(send(image(3, 0, g -> { g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 86, null, 0, new byte[W * H * 8]); })));
        // nested deeper than the limit (in user_data)
        assertFalse(send(message(g -> {
            g.writeStringField("type", "start");
            g.writeNumberField("series_id", 4);
            g.writeFieldName("user_data");
            for (int i = 0; i < 40; i++) {
                g.writeStartArray();
            }
            for (int i = 0; i < 40; i++) {
                g.writeEndArray();
            }
        })));
        // not a map, and an unknown message type
        assertFalse(send(new byte[] {0x01}));
        assertFalse(send(message(g -> { g.writeStringField("type", "config"); })));
        assertTrue(send(good));
        assertTrue(send(end(3)));

        var sum = acct.summary();
        assertEquals(4, sum.rejected(RejectReason.BAD_CBOR), sum.toString());
        assertEquals(1, sum.rejected(RejectReason.UNKNOWN_CBOR_TAG), sum.toString());
        assertEquals(2, sum.rejected(RejectReason.PAYLOAD_LENGTH_MISMATCH), sum.toString());
        assertEquals(1, sum.rejected(RejectReason.FRAME_TOO_LARGE), sum.toString());
        assertEquals(1, sum.rejected(RejectReason.UNKNOWN_PIXEL_TYPE), sum.toString());
        assertEquals(1, sum.rejected(RejectReason.UNKNOWN_MESSAGE_TYPE), sum.toString());
        assertEquals(1, sum.series("3").framesReceived());
        assertTrue(sum.series("3").ended());
        assertEquals(1, JournalRecords.frames(JournalRecords.readAll(tmp.resolve("j"))).size());
    }

    @Test
    void shouldEndEveryChannelSeriesWhenTheEndComesAfterANodeRestart() throws Exception {
        assertTrue(send(start(12, 1, "threshold_1", "threshold_2")));
        journal.close();
        open(); // the node restarts: the start message's channel list is gone, the journal has both series
        assertTrue(send(image(12, 0, g -> {
            g.writeFieldName("threshold_1");
            mdArray(g, new long[] {H, W}, 69, null, 0, pixels(1, 2));
            g.writeFieldName("threshold_2");
            mdArray(g, new long[] {H, W}, 69, null, 0, pixels(2, 2));
        })));
        assertTrue(send(end(12)));
        var sum = acct.summary();
        assertTrue(sum.series("12").ended() && sum.series("12_threshold_2").ended(), sum.toString());
        assertEquals(1, sum.series("12_threshold_2").reportedFrames(), "number_of_images, restored from the journal");
    }

    @Test
    void shouldKeepAnnouncedCountAndFramesOfASeriesAcrossANodeRestart() throws Exception {
        assertTrue(send(start(11, 5, "threshold_1")));
        for (int i = 0; i < 3; i++) {
            int n = i;
            assertTrue(send(image(11, n, g -> { g.writeFieldName("threshold_1"); mdArray(g, new long[] {H, W}, 69, null, 0, pixels(n, 2)); })));
        }
        journal.close();
        open(); // a new node on the same journal: accounting restored from it
        assertEquals(5, acct.announcedFrames("11"));
        assertEquals(3, acct.summary().series("11").framesReceived());
        // the sender re-sends frame 2 after the restart: a duplicate, not journaled twice
        assertFalse(send(image(11, 2, g -> { g.writeFieldName("threshold_1"); mdArray(g, new long[] {H, W}, 69, null, 0, pixels(2, 2)); })));
        assertTrue(send(image(11, 3, g -> { g.writeFieldName("threshold_1"); mdArray(g, new long[] {H, W}, 69, null, 0, pixels(3, 2)); })));
        assertTrue(send(end(11)));
        List<Rec> all = JournalRecords.readAll(tmp.resolve("j"));
        assertEquals(5, all.get(all.size() - 1).payloadLength(), "the end reports the announced count, not the frames since the restart");
        assertEquals(4, acct.summary().series("11").framesReceived());
        assertEquals(1, acct.summary().rejected(RejectReason.DUPLICATE_FRAME_NUMBER));
    }
}
