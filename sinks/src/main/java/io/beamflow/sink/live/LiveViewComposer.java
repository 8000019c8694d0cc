package io.beamflow.sink.live;

import io.beamflow.core.result.FrameFeatures;
import io.beamflow.core.result.FrameResult;

/**
 * Turns the stream of frame results into live-view messages: counts every frame, lets frames through
 * at most at the configured rate (preferring frames that still carry pixels), downsamples their
 * pixels and fills in the header. Only frames that pass the rate limit are downsampled; the others are
 * only counted. Series markers always pass. With a live path, the images, the frame shown and the series
 * markers come from the live path's samples ({@link FrameResult#preview}), and the record path's results (every
 * frame, later) are only counted, with how far that path is behind ({@link RecordPathLag}). Plain Java and
 * single-threaded; {@link LiveViewPublisher} puts it on the wire.
 */
public final class LiveViewComposer {
    private final PublishRateLimiter limiter;
    private final int maxEdge;
    private final FrameDownsampler downsampler;
    private final LiveViewHeader.Window window = new LiveViewHeader.Window();
    private final boolean livePath;
    private final RecordPathLag lag = new RecordPathLag();
    private long windowStartNs = -1;
    private long skipped;
    private String lastShownSeries;
    private long lastShownFrame;

    /**
     * @param maxRateHz largest rate of frame messages; {@code <= 0}: every frame
     * @param maxEdge   longest edge of published images
     */
    public LiveViewComposer(double maxRateHz, int maxEdge) {
        this(maxRateHz, maxEdge, false);
    }

    /**
     * @param maxRateHz largest rate of frame messages; {@code <= 0}: every frame
     * @param maxEdge   longest edge of published images
     * @param livePath  whether a live path gives the frames shown (the record path's are then only counted)
     */
    public LiveViewComposer(double maxRateHz, int maxEdge, boolean livePath) {
        this(maxRateHz, maxEdge, livePath, MaxPoolDownsampler::downsample);
    }

    LiveViewComposer(double maxRateHz, int maxEdge, FrameDownsampler downsampler) {
        this(maxRateHz, maxEdge, false, downsampler);
    }

    LiveViewComposer(double maxRateHz, int maxEdge, boolean livePath, FrameDownsampler downsampler) {
        this.livePath = livePath;
        this.downsampler = downsampler;
        this.limiter = new PublishRateLimiter(maxRateHz);
        if (maxEdge < 1) {
            throw new IllegalArgumentException("liveViewMaxEdge must be >= 1, got " + maxEdge);
        }
        this.maxEdge = maxEdge;
    }

    /**
     * @param result a result from the job
     * @param nowNs  monotonic time ({@link System#nanoTime()})
     * @return the message to publish, or {@code null} when this frame is not published (rate limit)
     */
    public LiveViewMessage offer(FrameResult result, long nowNs) {
        if (windowStartNs < 0) {
            windowStartNs = nowNs;
        }
        if (livePath && !result.preview) {
            if (result.kind == FrameResult.Kind.FRAME) {
                count(result);
                lag.recordFrame(result.seriesId, result.frameNumber, result.receiveTimeNs,
                        System.currentTimeMillis() * 1_000_000L);
            }
            return null; // the live path gives the frames shown and the series markers
        }
        if (result.kind == FrameResult.Kind.QUARANTINED || result.kind == FrameResult.Kind.DROPPED) {
            return null; // nothing to show
        }
        if (result.kind != FrameResult.Kind.FRAME) {
            return new LiveViewMessage(marker(result), null);
        }
        if (livePath) {
            lag.liveFrame(result.seriesId, result.frameNumber, nowNs);
        } else {
            count(result);
        }
        boolean hasImage = result.pixels != null && result.width > 0 && result.height > 0;
        // Frames whose pixels were dropped (vetoed) give way to frames with an image, unless nothing
        // was published for two intervals: images stay fresh, and reduced data still flows.
        if (!hasImage && limiter.nanosSinceLastPass(nowNs) < 2 * limiter.minIntervalNs()) {
            skipped++;
            return null;
        }
        if (!limiter.tryPass(nowNs)) {
            skipped++;
            return null;
        }
        LiveViewHeader h = frameHeader(result);
        float[] image = null;
        if (hasImage) {
            MaxPoolDownsampler.Image img = downsampler.downsample(result.pixels, result.pixelType, result.width,
                    result.height, maxEdge);
            image = img.pixels();
            h.shape = new int[] {img.height(), img.width()};
            h.binning = img.binning();
            h.dtype = "float32";
            h.byteOrder = "little";
        }
        h.window = closeWindow(nowNs);
        if (livePath) {
            h.liveEvery = result.seriesId.equals(lastShownSeries) && result.frameNumber > lastShownFrame
                    ? result.frameNumber - lastShownFrame : 1L;
            lastShownSeries = result.seriesId;
            lastShownFrame = result.frameNumber;
            h.recordPath = lag.snapshot(nowNs);
        }
        return new LiveViewMessage(h, image);
    }

    /** @return frames not published because of the rate limit */
    public long skipped() {
        return skipped;
    }

    private void count(FrameResult r) {
        window.frames++;
        window.framesTotal++;
        switch (r.decision) {
            case KEEP:
                window.kept++;
                window.keptTotal++;
                break;
            case REDUCED_ONLY:
                window.reducedOnly++;
                break;
            case VETO:
            default:
                window.vetoed++;
                break;
        }
        if (r.features != null) {
            window.peaks += r.features.peakCount();
        }
        if (r.incomplete) {
            window.incomplete++;
        }
    }

    private LiveViewHeader.Window closeWindow(long nowNs) {
        LiveViewHeader.Window w = new LiveViewHeader.Window();
        w.frames = window.frames;
        w.kept = window.kept;
        w.reducedOnly = window.reducedOnly;
        w.vetoed = window.vetoed;
        w.peaks = window.peaks;
        w.incomplete = window.incomplete;
        w.durationNs = nowNs - windowStartNs;
        w.framesTotal = window.framesTotal;
        w.keptTotal = window.keptTotal;
        window.frames = 0;
        window.kept = 0;
        window.reducedOnly = 0;
        window.vetoed = 0;
        window.peaks = 0;
        window.incomplete = 0;
        windowStartNs = nowNs;
        return w;
    }

    private static LiveViewHeader frameHeader(FrameResult r) {
        LiveViewHeader h = new LiveViewHeader();
        h.type = "frame";
        h.series = r.seriesId;
        h.frame = r.frameNumber;
        h.acquisitionTimeNs = r.acquisitionTimeNs;
        h.receiveTimeNs = r.receiveTimeNs;
        h.publishTimeNs = System.currentTimeMillis() * 1_000_000L;
        h.sourceShape = new int[] {r.height, r.width};
        h.decision = r.decision.name();
        h.ruleName = r.ruleName == null ? "" : r.ruleName;
        h.ruleVersion = r.ruleVersion;
        h.incomplete = r.incomplete;
        FrameFeatures f = r.features == null ? new FrameFeatures() : r.features;
        LiveViewHeader.Stats s = new LiveViewHeader.Stats();
        s.sum = f.sum;
        s.max = f.max;
        s.mean = f.mean;
        s.saturated = f.saturatedPixels;
        s.roi.putAll(f.roiSums);
        h.stats = s;
        h.radialProfile = f.radialProfile;
        LiveViewHeader.Peaks p = new LiveViewHeader.Peaks();
        p.count = f.peakCount();
        p.x = f.peakX;
        p.y = f.peakY;
        p.intensity = f.peakIntensity;
        h.peaks = p;
        return h;
    }

    private static LiveViewHeader marker(FrameResult r) {
        LiveViewHeader h = new LiveViewHeader();
        h.type = r.kind == FrameResult.Kind.SERIES_START ? "series_start" : "series_end";
        h.series = r.seriesId;
        h.frame = r.frameNumber;
        h.acquisitionTimeNs = r.acquisitionTimeNs;
        h.receiveTimeNs = r.receiveTimeNs; // when the series started: readers place it in its beamtime
        h.publishTimeNs = System.currentTimeMillis() * 1_000_000L;
        h.metadata = r.metadataJson;
        return h;
    }
}
