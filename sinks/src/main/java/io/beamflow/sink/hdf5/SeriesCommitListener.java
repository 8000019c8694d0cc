package io.beamflow.sink.hdf5;

import java.io.Serializable;
import java.nio.file.Path;
import org.apache.flink.metrics.MetricGroup;

/**
 * Told by the {@link Hdf5Committer} when a series is committed: its master file is under its final name (its
 * data files were committed before it). Called again for the same series when Flink replays a commit after a
 * restart, so a listener must be idempotent. Called on the committer's thread: a listener must return quickly
 * (hand slow work such as checksums or a database to a thread of its own) and must not throw; an exception is
 * counted ({@code hdf5CommitListenerErrors}) and logged, never fails the job.
 */
public interface SeriesCommitListener extends AutoCloseable {
    /**
     * @param seriesId the series
     * @param master   its committed master file ({@code <series>_master.h5}, final name)
     */
    void seriesCommitted(String seriesId, Path master);

    /** Releases the listener at the committer's end (a bounded wait for work in flight is allowed). */
    @Override
    void close();

    /** Creates a listener in each committer (shipped to the task managers with the sink). */
    @FunctionalInterface
    interface Factory extends Serializable {
        /**
         * @param metrics the committer's metric group
         * @return a listener
         */
        SeriesCommitListener create(MetricGroup metrics);
    }
}
