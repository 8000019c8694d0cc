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
    void shouldPassNoPixelsWhenALivePathGivesTheImages() {
        LiveViewThinning thinning = new LiveViewThinning(Long.MAX_VALUE, () -> 0L);
        assertNull(thinning.map(frame(0)).pixels);
    }
}
