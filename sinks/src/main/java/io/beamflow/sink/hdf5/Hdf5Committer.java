package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes finished HDF5 files by renaming them to their final names once their checkpoint completed;
 * data files before masters. Rename failures (permissions, full or read-only filesystem) are retried;
 * a file lost from disk fails the job with a clear message.
 */
public final class Hdf5Committer implements Committer<Hdf5Committable> {
    private static final Logger LOG = LoggerFactory.getLogger(Hdf5Committer.class);
    static final int MAX_RETRIES = 10;

    private final Counter filesCommitted;
    private final Counter commitRetries;
    private final Counter listenerErrors;
    private final SeriesCommitListener listener;

    Hdf5Committer(MetricGroup metrics) {
        this(metrics, null);
    }

    /**
     * @param metrics  metric group
     * @param listener told of each committed series (master file committed, or already committed on a replay);
     *                 null: none
     */
    Hdf5Committer(MetricGroup metrics, SeriesCommitListener listener) {
        this.filesCommitted = metrics.counter("hdf5FilesCommitted");
        this.commitRetries = metrics.counter("hdf5CommitRetries");
        this.listenerErrors = metrics.counter("hdf5CommitListenerErrors");
        this.listener = listener;
    }

    @Override
    public void commit(Collection<CommitRequest<Hdf5Committable>> requests) {
        List<CommitRequest<Hdf5Committable>> ordered = new ArrayList<>(requests);
        ordered.sort(Comparator.comparing(r -> r.getCommittable().isMaster()));
        for (CommitRequest<Hdf5Committable> r : ordered) {
            Hdf5Committable c = r.getCommittable();
            try {
                if (FilePublisher.publish(c) == FilePublisher.Outcome.ALREADY_COMMITTED) {
                    LOG.debug("already committed {}", c.finalPath());
                    r.signalAlreadyCommitted();
                } else {
                    filesCommitted.inc();
                    LOG.debug("committed {}", c.finalPath());
                }
                if (c.isMaster()) {
                    seriesCommitted(c);
                }
            } catch (IOException e) {
                if (!java.nio.file.Files.exists(c.temp()) || r.getNumberOfRetries() >= MAX_RETRIES) {
                    LOG.error("HDF5 commit of {} failed: {}", c.finalPath(), e.getMessage());
                    r.signalFailedWithKnownReason(e);
                } else {
                    commitRetries.inc();
                    LOG.warn("HDF5 commit of {} failed (attempt {}), will retry: {}", c.finalPath(),
                            r.getNumberOfRetries() + 1, e.getMessage());
                    r.retryLater();
                }
            }
        }
    }

    /** Tells the listener; a replayed commit (already committed) tells it again, it is idempotent. */
    private void seriesCommitted(Hdf5Committable c) {
        if (listener == null) {
            return;
        }
        try {
            listener.seriesCommitted(c.seriesId(), c.target());
        } catch (RuntimeException e) {
            listenerErrors.inc();
            LOG.error("series {}: the commit listener failed ({}); the series stays committed", c.seriesId(),
                    e.toString(), e);
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
    }
}
