package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.sink.live.LiveViewHeader;
import io.beamflow.sink.live.LiveViewMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Dashboard events stamped by an injected clock: the hit-rate history and the greeting of a new client. */
class DashboardFeedTest {
    private static LiveViewMessage frame(long number, int kept, int frames) {
        LiveViewHeader h = new LiveViewHeader();
        h.type = "frame";
        h.series = "s1";
        h.frame = number;
        h.decision = "KEEP";
        LiveViewHeader.Window w = new LiveViewHeader.Window();
        w.frames = frames;
        w.kept = kept;
        w.durationNs = 1_000_000_000L;
        h.window = w;
        return new LiveViewMessage(h, null);
    }

    @Test
    void shouldStampHistoryPointsWithTheClockAndReplayThemToANewClient() throws Exception {
        AtomicLong nowMs = new AtomicLong(1_700_000_000_000L);
        DashboardFeed feed = new DashboardFeed(new SseHub(4), nowMs::get);
        feed.accept(frame(1, 1, 4));
        nowMs.addAndGet(500);
        feed.accept(frame(2, 3, 4));
        assertEquals(1_700_000_000_500L, feed.lastMessageMs());
        List<String> greeting = feed.greeting();
        String history = greeting.get(0);
        assertTrue(history.startsWith("event: history"), history);
        JsonNode points = HttpJson.MAPPER.readTree(history.substring(history.indexOf("data: ") + 6).trim())
                .get("points");
        assertEquals(2, points.size());
        assertEquals(1_700_000_000_000L, points.get(0).get("tMs").asLong());
        assertEquals(0.25, points.get(0).get("hitRate").asDouble());
        assertEquals(1_700_000_000_500L, points.get(1).get("tMs").asLong());
        assertEquals(0.75, points.get(1).get("hitRate").asDouble());
        assertEquals(4.0, points.get(1).get("framesPerSec").asDouble());
    }
}
