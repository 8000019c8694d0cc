package io.beamflow.ingest.accounting;

import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.wire.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one ingest stream, per series and module: frames and bytes journaled, rejections by
 * reason, gaps in frame numbers. Also decides whether a frame number is acceptable (no duplicates,
 * no going backwards within a series and module). Written by the stream's receive agent, read by
 * anyone (summaries, Micrometer).
 */
public final class StreamAccounting {
    /** Series kept in memory (and as meters) per stream; older ones are forgotten. */
    public static final int MAX_SERIES = 256;

    private final String streamId;
    private final String endpoint;
    private final MeterRegistry registry;
    private final RejectLog rejectLog;
    private final Map<String, SeriesAccount> series = new LinkedHashMap<>();
    private final Map<RejectReason, Counter> rejectCounters = new EnumMap<>(RejectReason.class);
    private final Counter backpressureCounter;
    private final Counter disconnectCounter;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lastIndex = new AtomicLong(-1);
    private volatile boolean backpressured;

    /**
     * @param streamId  stream id (tag {@code stream})
     * @param endpoint  endpoint, for summaries
     * @param registry  where meters are registered
     * @param rejectLog rate-limited log of rejections
     */
    public StreamAccounting(String streamId, String endpoint, MeterRegistry registry, RejectLog rejectLog) {
        this.streamId = streamId;
        this.endpoint = endpoint;
        this.registry = registry;
        this.rejectLog = rejectLog;
        for (RejectReason r : RejectReason.values()) {
            rejectCounters.put(r, Counter.builder(MetricNames.INGEST_REJECTED).tag("stream", streamId)
                    .tag("reason", r.name()).description("messages rejected by the ingest node").register(registry));
        }
        backpressureCounter = Counter.builder(MetricNames.INGEST_BACKPRESSURE).tag("stream", streamId)
                .description("times the node stopped reading because the journal volume was full").register(registry);
        disconnectCounter = Counter.builder(MetricNames.INGEST_DISCONNECTS).tag("stream", streamId)
                .description("peer connections dropped (sender closed, or a part over the size limit)")
                .register(registry);
    }

    /**
     * Counts dropped peer connections.
     *
     * @param n how many
     */
    public void peerDisconnected(int n) {
        disconnectCounter.increment(n);
    }

    /** @return the stream id */
    public String streamId() {
        return streamId;
    }

    /** Counts one multipart message taken from the socket. */
    public void messageReceived() {
        messages.incrementAndGet();
    }

    /**
     * Checks a frame number against what this series and module already journaled.
     *
     * @return {@code null} if acceptable, else {@link RejectReason#DUPLICATE_FRAME_NUMBER} or
     *         {@link RejectReason#NON_MONOTONIC_FRAME_NUMBER}
     */
    public synchronized RejectReason checkFrameNumber(String seriesId, int moduleIndex, long frameNumber) {
        SeriesAccount s = series.get(seriesId);
        ModuleAccount m = s == null ? null : s.modules.get(moduleIndex);
        if (m == null || m.last < 0) {
            return null;
        }
        if (frameNumber == m.last) {
            return RejectReason.DUPLICATE_FRAME_NUMBER;
        }
        return frameNumber < m.last ? RejectReason.NON_MONOTONIC_FRAME_NUMBER : null;
    }

    /**
     * Checks a SERIES_START or SERIES_END against what the journal already has: a series (module) starts and ends
     * once, so a marker re-sent after a node restart is not journaled again.
     *
     * @param seriesId    series id
     * @param moduleIndex the marker's module index
     * @param end         SERIES_END (else SERIES_START)
     * @return {@code null} if acceptable, else {@link RejectReason#DUPLICATE_SERIES_MARKER}
     */
    public synchronized RejectReason checkSeriesMarker(String seriesId, int moduleIndex, boolean end) {
        SeriesAccount s = series.get(seriesId);
        if (s == null) {
            return null;
        }
        return (end ? s.endedModules : s.startedModules).contains(moduleIndex) ? RejectReason.DUPLICATE_SERIES_MARKER
                : null;
    }

    /**
     * Counts a frame that has been appended to the journal.
     *
     * @param index journal index of the record
     */
    public synchronized void frameJournaled(String seriesId, int moduleIndex, long frameNumber, long payloadBytes,
            long index) {
        ModuleAccount m = seriesAccount(seriesId).module(moduleIndex);
        if (m.last >= 0 && frameNumber > m.last + 1) {
            long gap = frameNumber - m.last - 1;
            m.gaps += gap;
            m.gapCounter.increment(gap);
        }
        if (m.first < 0) {
            m.first = frameNumber;
        }
        m.last = frameNumber;
        m.frames++;
        m.bytes += payloadBytes;
        m.frameCounter.increment();
        m.byteCounter.increment(payloadBytes);
        frames.incrementAndGet();
        bytes.addAndGet(payloadBytes);
        lastIndex.set(index);
    }

    /**
     * Restores the frame-number state and the figures (frames, bytes, gaps) of a series and module from a
     * record found in the journal at start-up, so that a restarted node still rejects frames it journaled
     * before and its series summaries count them; the Micrometer counters (this process's traffic) are not
     * changed.
     */
    public synchronized void restoreFrame(String seriesId, int moduleIndex, long frameNumber, long payloadBytes,
            long index) {
        ModuleAccount m = seriesAccount(seriesId).module(moduleIndex);
        if (m.last >= 0 && frameNumber > m.last + 1) {
            m.gaps += frameNumber - m.last - 1;
        }
        if (m.first < 0) {
            m.first = frameNumber;
        }
        m.last = Math.max(m.last, frameNumber);
        m.frames++;
        m.bytes += payloadBytes;
        lastIndex.set(index);
    }

    /**
     * Records the frame count the sender announced for a series at its start (DECTRIS stream v1
     * {@code nimages x ntrigger}, stream v2 {@code number_of_images}), journaled in the series metadata as
     * {@code announced_frames} and restored from there after a node restart.
     *
     * @param frames frames announced ({@code >= 0})
     */
    public synchronized void seriesAnnounced(String seriesId, long frames) {
        seriesAccount(seriesId).announcedFrames = frames;
    }

    /** @return the frame count announced at the series' start, or -1 when none was */
    public synchronized long announcedFrames(String seriesId) {
        SeriesAccount s = series.get(seriesId);
        return s == null ? -1 : s.announcedFrames;
    }

    /** Restores the started/ended state of a series (module) from the journal at start-up. */
    public synchronized void restoreSeries(String seriesId, int moduleIndex, boolean end, long reportedFrames,
            long index) {
        if (end) {
            seriesEnded(seriesId, moduleIndex, reportedFrames, index);
        } else {
            seriesStarted(seriesId, moduleIndex, index);
        }
    }

    /** Counts a journaled series-start record of a module. */
    public synchronized void seriesStarted(String seriesId, int moduleIndex, long index) {
        SeriesAccount s = seriesAccount(seriesId);
        s.started = true;
        s.startedModules.add(moduleIndex);
        lastIndex.set(index);
    }

    /** Counts a journaled series-end record of a module. */
    public synchronized void seriesEnded(String seriesId, int moduleIndex, long reportedFrames, long index) {
        SeriesAccount s = seriesAccount(seriesId);
        s.ended = true;
        s.endedModules.add(moduleIndex);
        s.reportedFrames = reportedFrames;
        lastIndex.set(index);
    }

    /** @return frames journaled in this series over all modules so far (0 if unknown) */
    public synchronized long framesInSeries(String seriesId) {
        SeriesAccount s = series.get(seriesId);
        return s == null ? 0 : s.modules.values().stream().mapToLong(m -> m.frames).sum();
    }

    /**
     * Counts and logs (rate-limited) a rejected message.
     *
     * @param seriesId    series it belonged to, or {@code null} if unknown
     * @param moduleIndex module, or -1 if unknown
     * @param detail      what was wrong, for the log line
     */
    public void rejected(RejectReason reason, String seriesId, int moduleIndex, String detail) {
        rejectCounters.get(reason).increment();
        if (seriesId != null) {
            synchronized (this) {
                ModuleAccount m = seriesAccount(seriesId).module(Math.max(0, moduleIndex));
                m.rejected.merge(reason, 1L, Long::sum);
            }
        }
        rejectLog.onReject(streamId, reason, (seriesId == null ? "" : "series " + seriesId
                + (moduleIndex >= 0 ? " module " + moduleIndex : "") + ": ") + detail);
    }

    /**
     * Reports whether reading is paused because the journal volume is full.
     *
     * @param on {@code true} when pausing (counted once per pause)
     */
    public void backpressure(boolean on) {
        if (on && !backpressured) {
            backpressureCounter.increment();
        }
        backpressured = on;
    }

    private SeriesAccount seriesAccount(String seriesId) {
        SeriesAccount s = series.get(seriesId);
        if (s == null) {
            if (series.size() >= MAX_SERIES) {
                Iterator<SeriesAccount> it = series.values().iterator();
                it.next().removeMeters();
                it.remove();
            }
            s = new SeriesAccount(seriesId);
            series.put(seriesId, s);
        }
        return s;
    }

    /** @return a consistent snapshot of this stream's figures */
    public synchronized StreamSummary summary() {
        Map<RejectReason, Long> rej = new EnumMap<>(RejectReason.class);
        rejectCounters.forEach((r, c) -> {
            long n = (long) c.count();
            if (n > 0) {
                rej.put(r, n);
            }
        });
        List<SeriesSummary> list = new ArrayList<>();
        for (SeriesAccount s : series.values()) {
            List<ModuleSummary> modules = new ArrayList<>();
            for (ModuleAccount m : s.modules.values()) {
                modules.add(new ModuleSummary(m.index, m.frames, m.bytes, m.gaps, m.first, m.last,
                        Map.copyOf(m.rejected)));
            }
            list.add(new SeriesSummary(s.id, s.started, s.ended, s.reportedFrames, List.copyOf(modules)));
        }
        return new StreamSummary(streamId, endpoint, messages.get(), frames.get(), bytes.get(), rej,
                (long) backpressureCounter.count(), backpressured, (long) disconnectCounter.count(), lastIndex.get(),
                List.copyOf(list));
    }

    /** @return frames journaled on this stream */
    public long framesJournaled() {
        return frames.get();
    }

    /** Removes this stream's meters from the registry. */
    public synchronized void removeMeters() {
        rejectCounters.values().forEach(registry::remove);
        registry.remove(backpressureCounter);
        registry.remove(disconnectCounter);
        series.values().forEach(SeriesAccount::removeMeters);
    }

    /** Mutable figures of one series. */
    private final class SeriesAccount {
        final String id;
        final Map<Integer, ModuleAccount> modules = new TreeMap<>();
        boolean started;
        boolean ended;
        /** Modules whose SERIES_START / SERIES_END is journaled. */
        final java.util.Set<Integer> startedModules = new java.util.HashSet<>();
        final java.util.Set<Integer> endedModules = new java.util.HashSet<>();
        long reportedFrames = -1;
        long announcedFrames = -1;

        SeriesAccount(String id) {
            this.id = id;
        }

        ModuleAccount module(int index) {
            return modules.computeIfAbsent(index, i -> new ModuleAccount(id, i));
        }

        void removeMeters() {
            for (ModuleAccount m : modules.values()) {
                for (Meter meter : List.of(m.frameCounter, m.byteCounter, m.gapCounter)) {
                    registry.remove(meter);
                }
            }
        }
    }

    /** Mutable figures of one module of one series. */
    private final class ModuleAccount {
        final int index;
        final Counter frameCounter;
        final Counter byteCounter;
        final Counter gapCounter;
        final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
        long frames;
        long bytes;
        long gaps;
        long first = -1;
        long last = -1;

        ModuleAccount(String seriesId, int index) {
            this.index = index;
            Tags tags = Tags.of("stream", streamId, "series", seriesId, "module", Integer.toString(index));
            frameCounter = Counter.builder(MetricNames.INGEST_FRAMES).tags(tags).register(registry);
            byteCounter = Counter.builder(MetricNames.INGEST_BYTES).tags(tags).baseUnit("bytes").register(registry);
            gapCounter = Counter.builder(MetricNames.INGEST_GAPS).tags(tags).register(registry);
        }
    }
}
