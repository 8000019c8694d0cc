package io.beamflow.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.testutil.JournalRecords;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile DECTRIS stream v1 messages against the adapter and a real journal: sizes that overflow,
 * numbers that are not integers, shapes beyond the limits. Each is rejected with its named reason and
 * nothing of it is journaled.
 */
class SimplonAbuseTest {
    @TempDir
    Path tmp;

    private SimplonAdapterFixture fixture;
    private FrameJournal journal;
    private StreamAccounting acct;
    private SimplonProtocolAdapter adapter;

    private static final byte[] DCONFIG = utf8("{\"htype\":\"dconfig-1.0\"}");

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

    private static byte[] imageD(String shape, String type, String encoding, long size) {
        return utf8("{\"htype\":\"dimage_d-1.0\",\"shape\":" + shape + ",\"type\":\"" + type + "\",\"encoding\":\""
                + encoding + "\",\"size\":" + size + "}");
    }

    private static byte[] dimage(String series, String frame) {
        return utf8("{\"htype\":\"dimage-1.0\",\"series\":" + series + ",\"frame\":" + frame + "}");
    }

    private long journaled() {
        return JournalRecords.readAll(tmp.resolve("j")).size();
    }

    @Test
    void shouldRejectAShapeWhoseByteCountOverflowsAsTooLargeInsteadOfJournalingIt() {
        byte[] data = new byte[4];
        assertFalse(send(dimage("1", "0"), imageD("[2147483647,2147483647]", "uint32", "lz4<", 4), data, DCONFIG));
        assertFalse(send(dimage("1", "1"), imageD("[2147483647,2147483647]", "uint32", "<", 4), data, DCONFIG));
        assertFalse(send(dimage("1", "2"), imageD("[65536,65537]", "uint16", "bs16-lz4<", 4), data, DCONFIG));
        StreamSummary sum = acct.summary();
        assertEquals(3, sum.rejected(RejectReason.FRAME_TOO_LARGE), sum.toString());
        assertEquals(3, sum.rejectedTotal());
        assertEquals(0, journaled());
    }

    @Test
    void shouldRejectSeriesAndFrameNumbersThatAreNotIntegersInsteadOfTruncatingThem() {
        byte[] d = new byte[16];
        byte[] good = imageD("[4,2]", "uint16", "<", 16);
        for (String series : new String[] {"7001.5", "\"7001\"", "1e300", "18446744073709551616", "-1", "true"}) {
            assertFalse(send(dimage(series, "0"), good, d, DCONFIG), series);
            assertFalse(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":" + series + ",\"header_detail\":\"none\"}")));
            assertFalse(send(utf8("{\"htype\":\"dseries_end-1.0\",\"series\":" + series + "}")));
        }
        for (String frame : new String[] {"3.5", "-2", "\"4\"", "9223372036854775808", "NaN"}) {
            assertFalse(send(dimage("7001", frame), good, d, DCONFIG), frame);
        }
        assertFalse(send(dimage("7001", "0"), imageD("[4,2]", "uint16", "<", -16), d, DCONFIG));
        StreamSummary sum = acct.summary();
        // "NaN" is not JSON at all: the whole part is refused as BAD_JSON
        assertEquals(6 * 3 + 4 + 1, sum.rejected(RejectReason.BAD_NUMBER), sum.toString());
        assertEquals(1, sum.rejected(RejectReason.BAD_JSON), sum.toString());
        assertEquals(0, journaled());
        assertTrue(send(dimage("7001", "0"), good, d, DCONFIG));
        assertEquals(1, journaled());
        assertEquals(null, acct.summary().series("7001.5"));
    }

    @Test
    void shouldRejectADetectorConfigurationWhosePixelCountOverflowsOrIsNotIntegral() {
        for (String xy : new String[] {"46341,46341", "2147483647,2147483647", "1024.5,512", "-1024,512",
                "\"1024\",512", "4294967297,1"}) {
            String[] p = xy.split(",");
            byte[] config = utf8("{\"x_pixels_in_detector\":" + p[0] + ",\"y_pixels_in_detector\":" + p[1]
                    + ",\"bit_depth_image\":16}");
            assertFalse(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":5,\"header_detail\":\"basic\"}"), config), xy);
        }
        assertFalse(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":5,\"header_detail\":\"basic\"}"),
                utf8("{\"x_pixels_in_detector\":4,\"y_pixels_in_detector\":2,\"nimages\":-1}")));
        assertFalse(send(utf8("{\"htype\":\"dheader-1.0\",\"series\":5,\"header_detail\":\"basic\"}"),
                utf8("{\"x_pixels_in_detector\":4,\"y_pixels_in_detector\":2,\"nimages\":2,\"ntrigger\":1e10}")));
        for (String shape : new String[] {"[4.5,2]", "[4,-2]", "[\"4\",2]", "[0,2]", "[4,2,1]", "{}"}) {
            assertFalse(send(dimage("5", "0"), imageD(shape, "uint16", "<", 16), new byte[16], DCONFIG), shape);
        }
        StreamSummary sum = acct.summary();
        assertEquals(6 + 6, sum.rejected(RejectReason.BAD_SHAPE), sum.toString());
        assertEquals(2, sum.rejected(RejectReason.BAD_NUMBER), sum.toString());
        assertEquals(0, journaled());
    }

    @Test
    void shouldAccountForEveryFuzzedDectrisMessageAndNeverThrow() {
        SplittableRandom rnd = new SplittableRandom(15_2026L);
        String[] templates = {
            "{\"htype\":\"dimage-1.0\",\"series\":%s,\"frame\":%s}",
            "{\"htype\":\"dimage_d-1.0\",\"shape\":[%s,%s],\"type\":\"uint16\",\"encoding\":\"lz4<\",\"size\":%s}",
            "{\"htype\":\"dheader-1.0\",\"series\":%s,\"header_detail\":\"basic\"}",
            "{\"x_pixels_in_detector\":%s,\"y_pixels_in_detector\":%s,\"nimages\":%s}",
        };
        String[] numbers = {"0", "1", "-1", "2147483647", "2147483648", "-2147483648", "9223372036854775807",
            "1e308", "7001.5", "\"x\"", "null", "[]", "{}", "46341", "4"};
        int sent = 400;
        int accepted = 0;
        for (int i = 0; i < sent; i++) {
            int parts = 1 + rnd.nextInt(5);
            byte[][] msg = new byte[parts][];
            for (int k = 0; k < parts; k++) {
                String t = templates[rnd.nextInt(templates.length)];
                String json = String.format(t, numbers[rnd.nextInt(numbers.length)],
                        numbers[rnd.nextInt(numbers.length)], numbers[rnd.nextInt(numbers.length)]);
                byte[] b = utf8(json);
                if (rnd.nextInt(4) == 0) { // bad UTF-8, truncation, a byte flipped
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] = (byte) (0x80 | rnd.nextInt(128));
                    }
                }
                msg[k] = rnd.nextInt(6) == 0 ? new byte[rnd.nextInt(64)] : b;
            }
            if (send(msg)) {
                accepted++;
            }
        }
        StreamSummary sum = acct.summary();
        assertEquals(sent, accepted + sum.rejectedTotal(), "every message is journaled or rejected: " + sum);
        assertEquals(accepted, journaled());
    }
}
