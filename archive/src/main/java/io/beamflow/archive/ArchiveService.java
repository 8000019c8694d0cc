package io.beamflow.archive;

import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running migration service ({@code beamflow archive run}): every {@code pollIntervalMs} it
 * migrates newly closed series and, when a purger is given, purges what the policy allows. A failing pass
 * is logged and retried at the next poll; the service stops when {@link #stop()} is called.
 */
public final class ArchiveService {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveService.class);

    private final ArchiveMigrator migrator;
    private final ArchivePurger purger;
    private final long pollIntervalMs;
    private final ProgressReporter reporter;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int passes;
    private volatile int failedPasses;

    /**
     * @param migrator       the migrator
     * @param purger         the purger, or null to never purge
     * @param pollIntervalMs time between passes
     * @param reporter       progress output
     */
    public ArchiveService(ArchiveMigrator migrator, ArchivePurger purger, long pollIntervalMs, ProgressReporter reporter) {
        if (pollIntervalMs <= 0) {
            throw new IllegalArgumentException("pollIntervalMs must be positive, got " + pollIntervalMs);
        }
        this.migrator = migrator;
        this.purger = purger;
        this.pollIntervalMs = pollIntervalMs;
        this.reporter = reporter;
    }

    /** Runs passes until {@link #stop()}; returns then. */
    public void run() {
        LOG.info("archive service started, polling every {} ms{}", pollIntervalMs, purger == null ? "" : ", purging");
        do {
            runPass();
            try {
                if (stopped.await(pollIntervalMs, TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (true);
        LOG.info("archive service stopped after {} passes ({} failed)", passes, failedPasses);
    }

    /** Runs one migration (and purge) pass; errors are logged, never thrown. */
    public void runPass() {
        try {
            MigrationReport m = migrator.migrate(null, reporter);
            if (!m.ok()) {
                failedPasses++;
            }
            if (purger != null) {
                purger.purge(null, false);
            }
        } catch (Exception e) {
            failedPasses++;
            LOG.error("archive pass failed: {}", e.toString(), e);
        } finally {
            passes++;
        }
    }

    /** Asks the service to stop after the current pass. */
    public void stop() {
        stopped.countDown();
    }

    /** @return passes run so far */
    public int passes() {
        return passes;
    }

    /** @return passes that reported errors */
    public int failedPasses() {
        return failedPasses;
    }
}
