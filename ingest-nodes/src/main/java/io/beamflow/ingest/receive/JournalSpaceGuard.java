package io.beamflow.ingest.receive;

import java.util.function.LongSupplier;

/**
 * Decides whether the journal volume has room for more records: when its usable space drops below
 * the configured minimum the receive agent stops reading its socket (so ZeroMQ's high-water mark
 * pushes back on the sender) instead of dropping frames or crashing on a full memory-mapped file.
 * The free space is sampled at most once per interval.
 */
public final class JournalSpaceGuard {
    private final LongSupplier usableBytes;
    private final LongSupplier nanoClock;
    private final long checkIntervalNs;
    private volatile long minFreeBytes;
    private long nextCheckNs = Long.MIN_VALUE;
    private boolean full;

    /**
     * @param usableBytes     usable bytes on the journal volume
     * @param minFreeBytes    below this the volume counts as full
     * @param nanoClock       monotonic clock
     * @param checkIntervalNs how often the space is sampled
     */
    public JournalSpaceGuard(LongSupplier usableBytes, long minFreeBytes, LongSupplier nanoClock, long checkIntervalNs) {
        this.usableBytes = usableBytes;
        this.minFreeBytes = minFreeBytes;
        this.nanoClock = nanoClock;
        this.checkIntervalNs = checkIntervalNs;
    }

    /** @return whether the volume is (as last sampled) too full to accept more records */
    public boolean full() {
        long now = nanoClock.getAsLong();
        if (nextCheckNs == Long.MIN_VALUE || now - nextCheckNs >= 0) {
            full = usableBytes.getAsLong() < minFreeBytes;
            nextCheckNs = now + checkIntervalNs;
        }
        return full;
    }

    /**
     * Changes the threshold (operators may lower it after freeing space); takes effect at the next sample.
     *
     * @param bytes new minimum free bytes
     */
    public void minFreeBytes(long bytes) {
        this.minFreeBytes = bytes;
    }
}
