package io.beamflow.app.catalog;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.sink.hdf5.SeriesCommitListener;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.flink.metrics.MetricGroup;

/**
 * Where committed series are recorded: creates, in each HDF5 committer, the listener that records every committed
 * series in the catalog ({@code archive.catalogUrl}), on a thread of its own. A catalog that cannot be reached never
 * fails the job: the series is counted ({@code catalogRecordFailures}), logged, kept pending and retried with a
 * growing delay (1 s doubling up to {@code retryMaxMs}) and at every later commit; a series still pending when the
 * committer closes (after waiting up to {@code closeWaitMs}) is logged by name and recorded by
 * {@code beamflow catalog sync}.
 *
 * @param catalogUrl  JDBC URL of the catalog
 * @param root        the beamline root (catalog paths are relative to it, as the archive's)
 * @param retryMaxMs  longest delay between retries
 * @param closeWaitMs how long a closing committer waits for pending series
 */
public record CatalogRecording(String catalogUrl, String root, long retryMaxMs, long closeWaitMs)
        implements SeriesCommitListener.Factory {
    private static final long serialVersionUID = 1L;

    /** Validates. */
    public CatalogRecording {
        if (catalogUrl == null || catalogUrl.isBlank()) {
            throw new IllegalArgumentException("archive.catalogUrl must be set to record series");
        }
        if (retryMaxMs < 1 || closeWaitMs < 0) {
            throw new IllegalArgumentException("retry and close waits must be positive");
        }
    }

    /**
     * @param config configuration
     * @return the recording of {@code config}, or null when {@code archive.recordSeries} is off
     */
    public static CatalogRecording of(BeamflowConfig config) {
        if (!config.archive.recordSeries) {
            return null;
        }
        return new CatalogRecording(config.archive.catalogUrl, rootOf(config), 60_000, 30_000);
    }

    /**
     * @param config configuration
     * @return the beamline root: {@code archive.beamlineRoot}, else {@code sink.outputRoot}
     */
    public static String rootOf(BeamflowConfig config) {
        return config.archive.beamlineRoot != null ? config.archive.beamlineRoot : config.sink.outputRoot;
    }

    @Override
    public SeriesCommitListener create(MetricGroup metrics) {
        return new CatalogCommitListener(this, Path.of(root), Clock.systemUTC(), metrics);
    }
}
