package io.beamflow.archive;

/**
 * Limits a transfer to a number of bytes per second (for sharing a link with acquisition, and so tests
 * can catch a migration mid-copy). {@link #NONE} does not limit.
 */
public final class Throttle {
    /** No limit. */
    public static final Throttle NONE = new Throttle(0);

    private final long bytesPerSecond;
    private long startNanos = -1;
    private long bytes;

    /**
     * @param bytesPerSecond limit; 0 or less means unlimited
     */
    public Throttle(long bytesPerSecond) {
        this.bytesPerSecond = Math.max(0, bytesPerSecond);
    }

    /** @return the limit in bytes per second, 0 when unlimited */
    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /**
     * Accounts for {@code n} transferred bytes and sleeps as long as the transfer is ahead of the limit.
     *
     * @param n bytes just transferred
     * @throws java.io.InterruptedIOException when interrupted while sleeping
     */
    public synchronized void acquire(long n) throws java.io.InterruptedIOException {
        if (bytesPerSecond == 0) {
            return;
        }
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        bytes += n;
        long dueNanos = startNanos + bytes * 1_000_000_000L / bytesPerSecond;
        long waitMs = (dueNanos - now) / 1_000_000L;
        if (waitMs > 0) {
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("throttled transfer interrupted");
            }
        }
    }
}
