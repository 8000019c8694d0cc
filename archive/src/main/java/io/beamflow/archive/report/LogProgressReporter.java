package io.beamflow.archive.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports progress as log lines at a fixed interval (service / quiet mode). */
public final class LogProgressReporter implements ProgressReporter {
    private static final Logger LOG = LoggerFactory.getLogger(LogProgressReporter.class);

    private final long intervalNanos;
    private long lastNanos = System.nanoTime();

    /** @param intervalMs time between log lines */
    public LogProgressReporter(long intervalMs) {
        this.intervalNanos = intervalMs * 1_000_000L;
    }

    @Override
    public synchronized void update(ProgressSnapshot s) {
        long now = System.nanoTime();
        if (now - lastNanos >= intervalNanos) {
            lastNanos = now;
            LOG.info("archive progress: {}", s.format());
        }
    }

    @Override
    public synchronized void finish(ProgressSnapshot s) {
        LOG.info("archive done: {}", s.format());
    }
}
