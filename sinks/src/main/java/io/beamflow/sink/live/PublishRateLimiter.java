package io.beamflow.sink.live;

/**
 * Lets at most {@code maxRateHz} events per second through; the first event always passes. Not
 * thread-safe (one limiter per publishing thread). A rate of zero or less means no limit.
 */
public final class PublishRateLimiter {
    private final long minIntervalNs;
    private long lastPassNs;
    private boolean passedOnce;

    /** @param maxRateHz largest rate allowed through; {@code <= 0}: unlimited */
    public PublishRateLimiter(double maxRateHz) {
        this.minIntervalNs = maxRateHz <= 0 ? 0 : (long) (1e9 / maxRateHz);
    }

    /**
     * @param nowNs current monotonic time ({@link System#nanoTime()})
     * @return whether an event at {@code nowNs} may pass; if so it is counted
     */
    public boolean tryPass(long nowNs) {
        if (passedOnce && nowNs - lastPassNs < minIntervalNs) {
            return false;
        }
        passedOnce = true;
        lastPassNs = nowNs;
        return true;
    }

    /**
     * @param nowNs current monotonic time
     * @return ns since the last event passed, {@link Long#MAX_VALUE} if none did
     */
    public long nanosSinceLastPass(long nowNs) {
        return passedOnce ? nowNs - lastPassNs : Long.MAX_VALUE;
    }

    /** @return the smallest interval between two passing events, ns */
    public long minIntervalNs() {
        return minIntervalNs;
    }
}
