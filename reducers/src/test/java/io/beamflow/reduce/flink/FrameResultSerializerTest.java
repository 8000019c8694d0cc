package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The explicit state serializer of frame results: round trip, and bytes written by version 1 (before encoded
 * chunks) and version 2 (before quarantine reasons) kept as resources.
 */
class FrameResultSerializerTest {
    /** The result whose version-1 bytes are {@code state/frame-result-v1.bin}. */
    static FrameResult sample() {
        FrameResult r = new FrameResult();
        r.kind = FrameResult.Kind.FRAME;
        r.seriesId = "series-7";
        r.frameNumber = 42;
        r.width = 3;
        r.height = 2;
        r.pixelType = PixelType.UINT16;
        r.acquisitionTimeNs = 1_000;
        r.receiveTimeNs = 2_000;
        r.pixels = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        r.incomplete = true;
        r.decision = Decision.REDUCED_ONLY;
        r.ruleName = "hits";
        r.ruleVersion = 5;
        r.features.sum = 1.5;
        r.features.max = 9;
        r.features.mean = 0.25;
        r.features.saturatedPixels = 2;
        r.features.roiSums.put("beamstop", 3.5);
        r.features.radialProfile = new float[] {1f, 2f};
        r.features.peakX = new float[] {0.5f};
        r.features.peakY = new float[] {1.5f};
        r.features.peakIntensity = new float[] {99f};
        r.orderKey = "stream-a";
        r.sequence = 17;
        r.preview = false;
        return r;
    }

    private static void assertSameResult(FrameResult expected, FrameResult actual) {
        assertEquals(expected.kind, actual.kind);
        assertEquals(expected.seriesId, actual.seriesId);
        assertEquals(expected.frameNumber, actual.frameNumber);
        assertEquals(expected.width, actual.width);
        assertEquals(expected.height, actual.height);
        assertEquals(expected.pixelType, actual.pixelType);
        assertEquals(expected.acquisitionTimeNs, actual.acquisitionTimeNs);
        assertEquals(expected.receiveTimeNs, actual.receiveTimeNs);
        assertArrayEquals(expected.pixels, actual.pixels);
        assertEquals(expected.incomplete, actual.incomplete);
        assertEquals(expected.decision, actual.decision);
        assertEquals(expected.ruleName, actual.ruleName);
        assertEquals(expected.ruleVersion, actual.ruleVersion);
        assertEquals(expected.features.sum, actual.features.sum);
        assertEquals(expected.features.max, actual.features.max);
        assertEquals(expected.features.mean, actual.features.mean);
        assertEquals(expected.features.saturatedPixels, actual.features.saturatedPixels);
        assertEquals(Map.copyOf(expected.features.roiSums), Map.copyOf(actual.features.roiSums));
        assertArrayEquals(expected.features.radialProfile, actual.features.radialProfile);
        assertArrayEquals(expected.features.peakX, actual.features.peakX);
        assertArrayEquals(expected.features.peakY, actual.features.peakY);
        assertArrayEquals(expected.features.peakIntensity, actual.features.peakIntensity);
        assertEquals(expected.orderKey, actual.orderKey);
        assertEquals(expected.sequence, actual.sequence);
        assertEquals(expected.preview, actual.preview);
        assertEquals(expected.metadataJson, actual.metadataJson);
        assertArrayEquals(expected.chunk, actual.chunk);
        assertEquals(expected.chunkCodec, actual.chunkCodec);
        assertEquals(expected.quarantineReason, actual.quarantineReason);
    }

    @Test
    void shouldRoundTripEveryField() throws IOException {
        FrameResultSerializer s = new FrameResultSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        FrameResult encoded = sampleV2();
        s.serialize(encoded, out);
        assertSameResult(encoded, s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
        out.clear();
        s.serialize(sample(), out);
        FrameResult marker = FrameResult.seriesStart("s", "{\"detector\":\"x\"}");
        marker.features = null;
        s.serialize(marker, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertSameResult(sample(), s.deserialize(in));
        FrameResult back = s.deserialize(in);
        assertEquals(FrameResult.Kind.SERIES_START, back.kind);
        assertEquals("{\"detector\":\"x\"}", back.metadataJson);
        assertEquals(null, back.pixels);
        out.clear();
        FrameResult quarantined = FrameResult.quarantined("s", 3, "reduction failed: width*height overflows");
        s.serialize(quarantined, out);
        FrameResult q = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(FrameResult.Kind.QUARANTINED, q.kind);
        assertEquals("reduction failed: width*height overflows", q.quarantineReason);
        assertEquals(null, q.features);
    }

    /** The result whose version-2 bytes are {@code state/frame-result-v2.bin}: an encoded chunk, no pixels. */
    private static FrameResult sampleV2() {
        FrameResult encoded = sample();
        encoded.pixels = null;
        encoded.chunk = new byte[] {9, 8, 7};
        encoded.chunkCodec = "bslz4";
        return encoded;
    }

    @Test
    void shouldRestoreResultsWrittenByVersion2() throws IOException {
        assertSameResult(sampleV2(), restore("/state/frame-result-v2.bin"));
    }

    private static FrameResult restore(String resource) throws IOException {
        try (InputStream in = FrameResultSerializerTest.class.getResourceAsStream(resource)) {
            return new FrameResultSerializer().deserialize(new DataInputDeserializer(in.readAllBytes()));
        }
    }

    @Test
    void shouldRestoreResultsWrittenByVersion1() throws IOException {
        assertSameResult(sample(), restore("/state/frame-result-v1.bin"));
    }

    @Test
    void shouldCarrySeriesArraysOfASeriesStartAndReadVersion3WithoutThem() throws IOException {
        FrameResultSerializer s = new FrameResultSerializer();
        FrameResult start = FrameResult.seriesStart("s", "{}");
        start.features = null;
        start.seriesArrays = new byte[] {1, 2, 3, 4, 5};
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(start, out);
        byte[] v4 = out.getCopyOfBuffer();
        assertArrayEquals(start.seriesArrays, s.deserialize(new DataInputDeserializer(v4)).seriesArrays);
        // version 3 is version 4 without the trailing arrays (length -1 and no bytes here)
        out.clear();
        start.seriesArrays = null;
        s.serialize(start, out);
        byte[] v3 = java.util.Arrays.copyOf(out.getCopyOfBuffer(), out.length() - 4);
        v3[0] = 3;
        FrameResult back = s.deserialize(new DataInputDeserializer(v3));
        assertEquals(FrameResult.Kind.SERIES_START, back.kind);
        assertEquals(null, back.seriesArrays);
    }

    @Test
    void shouldRefuseAnUnknownFormatVersion() {
        byte[] future = {99, 0};
        assertThrows(IOException.class, () -> new FrameResultSerializer().deserialize(new DataInputDeserializer(future)));
    }
}
