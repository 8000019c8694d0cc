package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.beamflow.core.result.FrameResult;
import org.junit.jupiter.api.Test;

/** The live view with a live path: it shows the live path's samples and counts the record path's frames. */
class LiveViewComposerLivePathTest {
    private static FrameResult frame(long n, boolean preview) {
        FrameResult r = new FrameResult();
        r.kind = FrameResult.Kind.FRAME;
        r.seriesId = "s";
        r.frameNumber = n;
        r.width = 4;
        r.height = 4;
        r.pixels = preview ? new byte[32] : null;
        r.preview = preview;
        return r;
    }

    @Test
    void shouldShowLiveSamplesWithTheRecordPathsCountsAndHowFarItIsBehind() {
        LiveViewComposer composer = new LiveViewComposer(0, 512, true);
        FrameResult start = FrameResult.seriesStart("s", "{}");
        assertNull(composer.offer(start, 0), "the record path's markers are not published twice");
        start.preview = true;
        assertEquals("series_start", composer.offer(start, 0).header().type);
        for (int n = 0; n < 10; n++) {
            assertNull(composer.offer(frame(n, false), 1), "record path frames are only counted");
        }
        LiveViewMessage first = composer.offer(frame(100, true), 2);
        assertNotNull(first.image(), "the live sample carries the image");
        assertEquals(100, first.header().frame);
        assertEquals(10, first.header().window.frames, "counts come from the record path");
        assertEquals(91, first.header().recordPath.behindFrames, "frame 100 shown, frame 9 recorded");
        LiveViewMessage second = composer.offer(frame(120, true), 3);
        assertEquals(20, second.header().liveEvery, "one in 20 frames shown");
        assertEquals(0, second.header().window.frames, "live samples are not counted");
    }
}
