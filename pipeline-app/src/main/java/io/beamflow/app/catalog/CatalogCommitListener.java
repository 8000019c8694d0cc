package io.beamflow.app.catalog;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.sink.hdf5.SeriesCommitListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records committed series in the catalog on its own thread, with retries; never throws into the committer. */
final class CatalogCommitListener implements SeriesCommitListener {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogCommitListener.class);
    private static final long FIRST_RETRY_MS = 1000;

    private final CatalogRecording recording;
    private final Path root;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor thread;
    /** Series committed and not yet recorded, master to series id, in commit order; guarded by this. */
    private final Map<Path, String> pending = new LinkedHashMap<>();
    private final Counter recorded;
    private final Counter failures;
    private final Counter unreadable;
    /** Written by the recorder thread; closed by {@link #close()} after that thread ended. */
    private volatile ArchiveCatalog catalog;
    private long retryMs = FIRST_RETRY_MS;
    private ScheduledFuture<?> retry;
    private boolean failing;
    /** Whether the committed series the catalog lacked at start have been queued; recorder thread only. */
    private boolean caughtUp;

    CatalogCommitListener(CatalogRecording recording, Path root, Clock clock, MetricGroup metrics) {
        this.recording = recording;
        this.root = root;
        this.clock = clock;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "beamflow-catalog-recorder");
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.recorded = metrics.counter("catalogSeriesRecorded");
        this.failures = metrics.counter("catalogRecordFailures");
        this.unreadable = metrics.counter("catalogSeriesUnreadable");
        metrics.gauge("catalogSeriesPending", (Gauge<Integer>) this::pendingCount);
        // series still pending when an earlier process ended (killed while the catalog was unreachable)
        thread.execute(this::drain);
    }

    @Override
    public void seriesCommitted(String seriesId, Path master) {
        synchronized (this) {
            pending.put(master, seriesId);
        }
        try {
            thread.execute(this::drain); // a commit also retries whatever is still pending
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.error("series {}: committed after the catalog recorder closed; not recorded (beamflow catalog sync "
                    + "records it)", seriesId);
        }
    }

    /** Records every pending series; on a catalog failure keeps them and schedules a retry. Recorder thread. */
    private void drain() {
        if (!caughtUp && !catchUp()) {
            return;
        }
        while (true) {
            Map.Entry<Path, String> next;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return;
                }
                next = pending.entrySet().iterator().next();
            }
            try {
                if (catalog == null) {
                    catalog = ArchiveCatalog.open(recording.catalogUrl(), clock);
                }
                long t0 = System.nanoTime();
                boolean fresh = SeriesCatalogRecorder.record(catalog, root, next.getKey());
                LOG.info("series {} {} in the catalog ({} ms, ADLER32 of its files included)", next.getValue(),
                        fresh ? "recorded" : "recorded again (a replayed commit)",
                        (System.nanoTime() - t0) / 1_000_000);
                recorded.inc();
                if (failing) {
                    LOG.info("the catalog {} is reachable again", recording.catalogUrl());
                    failing = false;
                }
                retryMs = FIRST_RETRY_MS;
                synchronized (this) {
                    pending.remove(next.getKey());
                }
            } catch (IOException e) {
                // the files themselves cannot be read: retrying does not help; the series stays committed
                unreadable.inc();
                LOG.error("series {}: not recorded in the catalog, its files cannot be read: {}", next.getValue(),
                        e.getMessage());
                synchronized (this) {
                    pending.remove(next.getKey());
                }
            } catch (RuntimeException e) { // ArchiveException: the catalog cannot be opened or written
                failures.inc();
                closeCatalog();
                if (!failing) {
                    LOG.error("series {}: the catalog {} cannot be written ({}); {} series pending, retried in {} ms "
                            + "and at the next commit; the job goes on", next.getValue(), recording.catalogUrl(),
                            e.getMessage(), pendingCount(), retryMs);
                } else {
                    LOG.warn("catalog still unreachable ({}); {} series pending, next try in {} ms", e.getMessage(),
                            pendingCount(), retryMs);
                }
                failing = true;
                scheduleRetry();
                return;
            }
        }
    }

    /**
     * Queues the committed series under the root that the catalog lacks. Recorder thread.
     *
     * @return false when the catalog cannot be reached (a retry is scheduled)
     */
    private boolean catchUp() {
        try {
            if (catalog == null) {
                catalog = ArchiveCatalog.open(recording.catalogUrl(), clock);
            }
            List<Path> missing = CatalogSync.missing(catalog, root, LOG::warn);
            if (!missing.isEmpty()) {
                LOG.warn("{} committed series under {} are not in the catalog (their process ended before it "
                        + "recorded them): recording them now", missing.size(), root);
            }
            synchronized (this) {
                for (Path m : missing) {
                    String name = m.getFileName().toString();
                    pending.putIfAbsent(m, name.substring(0, name.length() - "_master.h5".length()));
                }
            }
            caughtUp = true;
            return true;
        } catch (IOException e) {
            LOG.error("cannot look for unrecorded series under {}: {}", root, e.getMessage());
            caughtUp = true; // the root itself cannot be walked; commits are still recorded
            return true;
        } catch (RuntimeException e) { // ArchiveException: the catalog cannot be opened or read
            failures.inc();
            closeCatalog();
            if (!failing) {
                LOG.error("the catalog {} cannot be read ({}); retried in {} ms and at the next commit; the job goes "
                        + "on", recording.catalogUrl(), e.getMessage(), retryMs);
            }
            failing = true;
            scheduleRetry();
            return false;
        }
    }

    private void scheduleRetry() {
        if (retry != null && !retry.isDone()) {
            return;
        }
        try {
            retry = thread.schedule(() -> {
                retry = null; // this retry runs now: a failure in it schedules the next one
                drain();
            }, retryMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return;
        }
        retryMs = Math.min(recording.retryMaxMs(), retryMs * 2);
    }

    private void closeCatalog() {
        if (catalog != null) {
            catalog.close();
            catalog = null;
        }
    }

    /** @return series committed and not yet recorded */
    synchronized int pendingCount() {
        return pending.size();
    }

    /** @return series recorded (replays included) */
    long recordedCount() {
        return recorded.getCount();
    }

    /** @return failed attempts to write the catalog */
    long failureCount() {
        return failures.getCount();
    }

    @Override
    public void close() {
        try {
            thread.execute(this::drain); // one last try
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return; // closed already
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(recording.closeWaitMs(), TimeUnit.MILLISECONDS)) {
                LOG.error("the catalog recorder did not finish in {} ms", recording.closeWaitMs());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        List<String> left;
        synchronized (this) {
            left = new ArrayList<>(pending.values());
        }
        if (!left.isEmpty()) {
            LOG.error("{} committed series not recorded in the catalog {} ({}): run 'beamflow catalog sync' to record "
                    + "them", left.size(), recording.catalogUrl(), left);
        }
        closeCatalogQuietly();
    }

    private void closeCatalogQuietly() {
        // the thread has ended (or is stuck in JDBC: then its connection is closed under it)
        ArchiveCatalog c = catalog;
        if (c != null) {
            c.close();
        }
    }
}
