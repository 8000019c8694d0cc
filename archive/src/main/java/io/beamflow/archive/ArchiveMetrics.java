package io.beamflow.archive;

import io.beamflow.archive.catalog.CopyState;
import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Metrics;

/** Micrometer counters of the archive (global registry), so dashboards and alerts see copies, bytes and errors. */
final class ArchiveMetrics {
    private ArchiveMetrics() {
    }

    static void bytes(long n) {
        Metrics.counter(MetricNames.ARCHIVE_BYTES).increment(n);
    }

    static void copy(String op, CopyState state) {
        Metrics.counter(MetricNames.ARCHIVE_COPIES, "op", op, "state", state.name()).increment();
    }

    static void error(String op) {
        Metrics.counter(MetricNames.ARCHIVE_ERRORS, "op", op).increment();
    }

    static void purged() {
        Metrics.counter(MetricNames.ARCHIVE_PURGED).increment();
    }
}
