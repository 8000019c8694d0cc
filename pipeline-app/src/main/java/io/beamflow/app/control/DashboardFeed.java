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
import java.util.function.Predicate;

/**
 * Turns live-view messages into dashboard events: keeps the latest image for {@code /api/live/image},
 * a bounded history of hit rate and peak count, and broadcasts a {@code frame} (or {@code series})
 * event per message. The hit rate of a message is the fraction of frames decided KEEP among all frames
 * the publisher saw since its previous message. Everything is kept per beamtime (the series' beamtime, from
 * {@link SeriesBeamtimes}), so that a client sees only the images, events and history of beamtimes it may read.
 */
final class DashboardFeed implements Consumer<LiveViewMessage> {
    private static final int HISTORY_POINTS = 600;

    private final SseHub hub;
    private static final int MAX_BEAMTIMES = 64;

    private final SeriesBeamtimes beamtimes;
    private final Deque<ScopedPoint> history = new ArrayDeque<>();
    private final Map<String, LatestImage> latestImages = lru();
    private final Map<String, String> lastFrameEvents = lru();
    private final Map<String, String> lastSeriesEvents = lru();
    private volatile long lastMessageMs;
    private long imageSeq;

    /** A hit-rate point and the beamtime of its series. */
    private record ScopedPoint(String beamtimeId, Map<String, Object> point) {
    }

    /** The newest image with what identifies it. */
    record LatestImage(long seq, String series, long frame, int width, int height, byte[] bytes) {
    }

    private final LongSupplier clockMs;

    /**
     * @param hub       where events go
     * @param beamtimes the beamtimes of series
     */
    DashboardFeed(SseHub hub, SeriesBeamtimes beamtimes) {
        this(hub, beamtimes, System::currentTimeMillis);
    }

    /** Without beamtimes, with the wall clock that stamps events (tests set it by hand). */
    DashboardFeed(SseHub hub, LongSupplier clockMs) {
        this(hub, new SeriesBeamtimes(null, ""), clockMs);
    }

    DashboardFeed(SseHub hub, SeriesBeamtimes beamtimes, LongSupplier clockMs) {
        this.hub = hub;
        this.beamtimes = beamtimes;
        this.clockMs = clockMs;
    }

    private static <V> Map<String, V> lru() {
        return java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<String, V>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_BEAMTIMES;
            }
        });
    }

    @Override
    public void accept(LiveViewMessage m) {
        LiveViewHeader h = m.header();
        lastMessageMs = clockMs.getAsLong();
        String beamtime = beamtimes.beamtimeOf(h.series, h.receiveTimeNs);
        if (!"frame".equals(h.type)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", h.type);
            e.put("series", h.series);
            e.put("frame", h.frame);
            String event = json(e);
            lastSeriesEvents.put(beamtime, event);
            hub.broadcast("series", beamtime, event, null);
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
                latestImages.put(beamtime, new LatestImage(imageSeq, h.series, h.frame, m.width(), m.height(),
                        LiveViewCodec.encodeImage(m.image())));
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
            history.addLast(new ScopedPoint(beamtime, point));
            while (history.size() > HISTORY_POINTS) {
                history.removeFirst();
            }
        }
        String event = json(e);
        lastFrameEvents.put(beamtime, event);
        hub.broadcast("frame", beamtime, event, null);
    }

    /** @return the newest image, or {@code null} before the first */
    LatestImage latestImage() {
        return latestImage(b -> true);
    }

    /**
     * @param mayRead which beamtime ids may be shown
     * @return the newest image of those beamtimes, or {@code null} when there is none
     */
    LatestImage latestImage(Predicate<String> mayRead) {
        LatestImage newest = null;
        synchronized (latestImages) {
            for (Map.Entry<String, LatestImage> e : latestImages.entrySet()) {
                if ((newest == null || e.getValue().seq() > newest.seq()) && mayRead.test(e.getKey())) {
                    newest = e.getValue();
                }
            }
        }
        return newest;
    }

    /** @return ms since the epoch of the last message, 0 if none */
    long lastMessageMs() {
        return lastMessageMs;
    }

    /** @return events that bring a new client that sees everything up to date */
    List<String> greeting() {
        return greeting(b -> true);
    }

    /**
     * @param mayRead which beamtime ids the client may see
     * @return events that bring it up to date: its beamtimes' history, newest series event and newest frame event
     */
    List<String> greeting(Predicate<String> mayRead) {
        List<String> events = new ArrayList<>();
        List<Map<String, Object>> points = new ArrayList<>();
        synchronized (history) {
            for (ScopedPoint p : history) {
                if (mayRead.test(p.beamtimeId())) {
                    points.add(p.point());
                }
            }
        }
        events.add(SseHub.format("history", json(Map.of("points", points))));
        String series = newest(lastSeriesEvents, mayRead);
        if (series != null) {
            events.add(SseHub.format("series", series));
        }
        String frame = newest(lastFrameEvents, mayRead);
        if (frame != null) {
            events.add(SseHub.format("frame", frame));
        }
        return events;
    }

    /** The most recently written value among readable beamtimes (the maps are in access order: last is newest). */
    private static String newest(Map<String, String> byBeamtime, Predicate<String> mayRead) {
        String newest = null;
        synchronized (byBeamtime) {
            for (Map.Entry<String, String> e : byBeamtime.entrySet()) {
                if (mayRead.test(e.getKey())) {
                    newest = e.getValue();
                }
            }
        }
        return newest;
    }

    static String json(Object o) {
        try {
            return HttpJson.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
