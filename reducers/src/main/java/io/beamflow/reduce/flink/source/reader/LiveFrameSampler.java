package io.beamflow.reduce.flink.source.reader;

import java.util.function.LongSupplier;

/**
 * Chooses the frames of the live path: at most one per {@code minIntervalNs}, and only fresh ones (received at
 * most {@code maxAgeNs} ago), so that the live view shows the newest frames however far the record path is
 * behind; when nothing fresh arrives (a journal replayed long after it was written), one frame per
 * {@code maxAgeNs} still goes out.
 */
public final class LiveFrameSampler {
    private final long minIntervalNs;
    private final long maxAgeNs;
    private final LongSupplier monotonicNs;
    private final LongSupplier epochNs;
    private long lastTakenNs;
    private boolean taken;

    /**
     * @param minIntervalNs shortest time between two frames taken
     * @param maxAgeNs      oldest receive time of a frame taken, and longest time without one
     * @param monotonicNs   monotonic clock
     * @param epochNs       wall clock, ns since the epoch (the ingest node's receive times are such)
     */
    public LiveFrameSampler(long minIntervalNs, long maxAgeNs, LongSupplier monotonicNs, LongSupplier epochNs) {
        this.minIntervalNs = minIntervalNs;
        this.maxAgeNs = maxAgeNs;
        this.monotonicNs = monotonicNs;
        this.epochNs = epochNs;
    }

    /** @return whether every fresh frame may be taken (no rate limit): no frame need be skipped for a newer one */
    public boolean everyFrame() {
        return minIntervalNs <= 1;
    }

    /**
     * @param receiveTimeNs when the ingest node received the frame, ns since the epoch
     * @return whether the live path takes it (if so, it counts as taken)
     */
    public boolean take(long receiveTimeNs) {
        long now = monotonicNs.getAsLong();
        long sinceLast = taken ? now - lastTakenNs : Long.MAX_VALUE;
        if (sinceLast < minIntervalNs) {
            return false;
        }
        boolean fresh = epochNs.getAsLong() - receiveTimeNs <= maxAgeNs;
        if (!fresh && sinceLast < maxAgeNs) {
            return false;
        }
        taken = true;
        lastTakenNs = now;
        return true;
    }
}
