package io.beamflow.app.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.beamflow.sink.live.LiveViewCodec;
import io.beamflow.sink.live.LiveViewHeader;
import io.beamflow.sink.live.LiveViewMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns live-view messages into dashboard events: keeps the latest image for {@code /api/live/image},
 * a bounded history of hit rate and peak count, and broadcasts a {@code frame} (or {@code series})
 * event per message. The hit rate of a message is the fraction of frames decided KEEP among all frames
 * the publisher saw since its previous message.
 */
final class DashboardFeed implements Consumer<LiveViewMessage> {
    private static final int HISTORY_POINTS = 600;

    private final SseHub hub;
    private final Deque<Map<String, Object>> history = new ArrayDeque<>();
    private volatile LatestImage latestImage;
    private volatile String lastFrameEvent;
    private volatile String lastSeriesEvent;
    private volatile long lastMessageMs;
    private long imageSeq;

    /** The newest image with what identifies it. */
    record LatestImage(long seq, String series, long frame, int width, int height, byte[] bytes) {
    }

    private final LongSupplier clockMs;

    DashboardFeed(SseHub hub) {
        this(hub, System::currentTimeMillis);
    }

    /** As above, with the wall clock that stamps events (tests set it by hand). */
    DashboardFeed(SseHub hub, LongSupplier clockMs) {
        this.hub = hub;
        this.clockMs = clockMs;
    }

    @Override
    public void accept(LiveViewMessage m) {
        LiveViewHeader h = m.header();
        lastMessageMs = clockMs.getAsLong();
        if (!"frame".equals(h.type)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", h.type);
            e.put("series", h.series);
            e.put("frame", h.frame);
            lastSeriesEvent = json(e);
            hub.broadcast("series", lastSeriesEvent);
            return;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("series", h.series);
        e.put("frame", h.frame);
        e.put("decision", h.decision);
        e.put("ruleName", h.ruleName);
        e.put("ruleVersion", h.ruleVersion);
        e.put("incomplete", h.incomplete);
        if (m.image() != null) {
            synchronized (this) {
                imageSeq++;
                latestImage = new LatestImage(imageSeq, h.series, h.frame, m.width(), m.height(),
                        LiveViewCodec.encodeImage(m.image()));
                e.put("imageSeq", imageSeq);
            }
            e.put("width", m.width());
            e.put("height", m.height());
            e.put("binning", h.binning);
        }
        e.put("sourceShape", h.sourceShape);
        e.put("stats", h.stats);
        e.put("radialProfile", h.radialProfile);
        e.put("peaks", h.peaks);
        LiveViewHeader.Window w = h.window;
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("tMs", lastMessageMs);
        point.put("peakCount", h.peaks == null ? 0 : h.peaks.count);
        if (w != null && w.frames > 0) {
            point.put("hitRate", (double) w.kept / w.frames);
            point.put("frames", w.frames);
            point.put("kept", w.kept);
            point.put("peaksPerFrame", (double) w.peaks / w.frames);
            point.put("framesPerSec", w.durationNs > 0 ? w.frames * 1e9 / w.durationNs : 0.0);
            e.put("window", w);
        }
        e.put("point", point);
        if (h.liveEvery != null) {
            e.put("liveEvery", h.liveEvery);
        }
        if (h.recordPath != null) {
            e.put("recordPath", h.recordPath);
        }
        e.put("receiveTimeMs", h.receiveTimeNs / 1e6);
        e.put("publishTimeMs", h.publishTimeNs / 1e6);
        e.put("serverTimeMs", lastMessageMs);
        synchronized (history) {
            history.addLast(point);
            while (history.size() > HISTORY_POINTS) {
                history.removeFirst();
            }
        }
        lastFrameEvent = json(e);
        hub.broadcast("frame", lastFrameEvent);
    }

    /** @return the newest image, or {@code null} before the first */
    LatestImage latestImage() {
        return latestImage;
    }

    /** @return ms since the epoch of the last message, 0 if none */
    long lastMessageMs() {
        return lastMessageMs;
    }

    /** @return events that bring a new client up to date */
    List<String> greeting() {
        List<String> events = new ArrayList<>();
        List<Map<String, Object>> points;
        synchronized (history) {
            points = new ArrayList<>(history);
        }
        events.add(SseHub.format("history", json(Map.of("points", points))));
        if (lastSeriesEvent != null) {
            events.add(SseHub.format("series", lastSeriesEvent));
        }
        if (lastFrameEvent != null) {
            events.add(SseHub.format("frame", lastFrameEvent));
        }
        return events;
    }

    static String json(Object o) {
        try {
            return HttpJson.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
