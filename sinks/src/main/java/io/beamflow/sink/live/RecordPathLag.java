package io.beamflow.sink.live;

/**
 * How far the record path (every frame, files and counts) is behind the live path (the newest frames), from the
 * results of both as the live view sees them: frames behind, the age of the record path's newest frame when it
 * passed, its rate, and when it will have caught up at its rate against the detector's. Plain Java,
 * single-threaded.
 */
final class RecordPathLag {
    private static final double SMOOTHING = 0.3;

    private String recordSeries;
    private long recordFrame = -1;
    private double recordAgeSeconds;
    private long recordFramesSinceSnapshot;
    private double recordRate = Double.NaN;
    private long lastSnapshotNs = -1;

    private String liveSeries;
    private long liveFrame = -1;
    private long liveFrameNs;
    private double ingestRate = Double.NaN;

    /**
     * @param series        the record path's frame's series
     * @param frameNumber   its frame number
     * @param receiveTimeNs when the ingest node received it, ns since the epoch
     * @param nowEpochNs    now, ns since the epoch
     */
    void recordFrame(String series, long frameNumber, long receiveTimeNs, long nowEpochNs) {
        recordSeries = series;
        recordFrame = frameNumber;
        recordAgeSeconds = receiveTimeNs > 0 ? Math.max(0, nowEpochNs - receiveTimeNs) / 1e9 : 0;
        recordFramesSinceSnapshot++;
    }

    /**
     * @param series      the live path's frame's series
     * @param frameNumber its frame number
     * @param nowNs       monotonic now
     */
    void liveFrame(String series, long frameNumber, long nowNs) {
        if (series.equals(liveSeries) && frameNumber > liveFrame && nowNs > liveFrameNs) {
            ingestRate = smooth(ingestRate, (frameNumber - liveFrame) / ((nowNs - liveFrameNs) / 1e9));
        } else if (!series.equals(liveSeries)) {
            ingestRate = Double.NaN;
        }
        liveSeries = series;
        liveFrame = frameNumber;
        liveFrameNs = nowNs;
    }

    /**
     * @param nowNs monotonic now
     * @return the lag now (rates over the time since the previous snapshot)
     */
    LiveViewHeader.RecordPath snapshot(long nowNs) {
        if (lastSnapshotNs >= 0 && nowNs > lastSnapshotNs) {
            recordRate = smooth(recordRate, recordFramesSinceSnapshot / ((nowNs - lastSnapshotNs) / 1e9));
        }
        lastSnapshotNs = nowNs;
        recordFramesSinceSnapshot = 0;
        LiveViewHeader.RecordPath p = new LiveViewHeader.RecordPath();
        if (liveSeries == null) {
            return p;
        }
        p.behindFrames = liveSeries.equals(recordSeries) ? Math.max(0, liveFrame - recordFrame) : liveFrame + 1;
        p.behindSeconds = recordAgeSeconds;
        p.framesPerSecond = Double.isNaN(recordRate) ? 0 : recordRate;
        double gain = p.framesPerSecond - (Double.isNaN(ingestRate) ? 0 : ingestRate);
        p.catchUpSeconds = p.behindFrames == 0 ? 0 : gain > 0 ? p.behindFrames / gain : -1;
        return p;
    }

    private static double smooth(double previous, double value) {
        return Double.isNaN(previous) ? value : previous + SMOOTHING * (value - previous);
    }
}
