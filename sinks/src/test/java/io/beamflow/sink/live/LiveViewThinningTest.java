package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.beamflow.core.result.FrameResult;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Thinning of the live path's images, with the clock in the test's hands. */
class LiveViewThinningTest {
    private static FrameResult frame(long n) {
        FrameResult r = new FrameResult();
        r.kind = FrameResult.Kind.FRAME;
        r.seriesId = "s";
        r.frameNumber = n;
        r.width = 2;
        r.height = 2;
        r.pixels = new byte[8];
        return r;
    }

    @Test
    void shouldPassPixelsAtTwiceThePublishRateAndEveryResultWithoutChangingItsInput() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        LiveViewThinning thinning = new LiveViewThinning(100_000_000L, now::get); // images every 100 ms
        FrameResult first = frame(0);
        assertSame(first, thinning.map(first), "the first image passes as it is");
        now.addAndGet(50_000_000L);
        FrameResult second = frame(1);
        FrameResult thinned = thinning.map(second);
        assertNull(thinned.pixels, "50 ms later: no image");
        assertEquals(1, thinned.frameNumber, "but the result itself passes");
        assertNotNull(second.pixels, "the input keeps its pixels (the HDF5 sink may hold the same object)");
        now.addAndGet(50_000_000L);
        assertNotNull(thinning.map(frame(2)).pixels, "100 ms after the last image: the next one passes");
        FrameResult marker = FrameResult.seriesEnd("s", 3);
        assertSame(marker, thinning.map(marker), "markers always pass");
    }

    @Test
    void shouldNeverCarryTheFilesChunkToTheLiveView() {
        LiveViewThinning thinning = new LiveViewThinning(100_000_000L, () -> 0L);
        FrameResult encoded = frame(0);
        encoded.chunk = new byte[] {1, 2};
        FrameResult image = thinning.map(encoded);
        assertNotNull(image.pixels, "the image passes");
        assertNull(image.chunk, "without the chunk");
        assertNotNull(encoded.chunk, "which the HDF5 sink still gets");
        FrameResult thin = thinning.map(encoded);
        assertNull(thin.pixels);
        assertNull(thin.chunk);
    }

    @Test
    void shouldDecompressTheImagesOfFramesThatPassedThroughAsTheirReceivedChunk() {
        AtomicLong now = new AtomicLong(0);
        LiveViewThinning thinning = new LiveViewThinning(100_000_000L, now::get);
        byte[] raw = new byte[64 * 8 * 2];
        for (int i = 0; i < raw.length; i += 2) {
            raw[i] = (byte) (i % 13);
        }
        byte[] enc = new byte[io.beamflow.core.codec.BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
        byte[] chunk = java.util.Arrays.copyOf(enc, new io.beamflow.core.codec.BitshuffleLz4Codec()
                .compress(raw, 0, raw.length, 2, enc, 0));
        FrameResult passed = frame(0);
        passed.width = 64;
        passed.height = 8;
        passed.pixels = null;
        passed.chunk = chunk;
        passed.chunkCodec = "bslz4";
        FrameResult image = thinning.map(passed);
        org.junit.jupiter.api.Assertions.assertArrayEquals(raw, image.pixels, "the live view's image");
        assertNull(image.chunk);
        assertSame(chunk, passed.chunk, "the HDF5 sink's result keeps its chunk and no pixels");
        assertNull(passed.pixels);
        now.addAndGet(10_000_000L);
        assertNull(thinning.map(passed).pixels, "10 ms later: no image, nothing decompressed");
        now.addAndGet(100_000_000L);
        FrameResult corrupt = passed.shallowCopy();
        corrupt.chunk = java.util.Arrays.copyOf(chunk, 20);
        FrameResult skipped = thinning.map(corrupt);
        assertNull(skipped.pixels, "a chunk that does not decompress gives no image, and no failure");
        assertEquals(0, skipped.frameNumber);
    }

    @Test
    void shouldPassNoPixelsWhenALivePathGivesTheImages() {
        LiveViewThinning thinning = new LiveViewThinning(Long.MAX_VALUE, () -> 0L);
        assertNull(thinning.map(frame(0)).pixels);
    }
}
