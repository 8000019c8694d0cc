package io.beamflow.archive;

import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.ProgressSnapshot;
import java.util.concurrent.atomic.AtomicLong;

/** Counts files and bytes of one archive operation and feeds a {@link ProgressReporter}. */
final class TransferProgress {
    private final long totalFiles;
    private final long totalBytes;
    private final AtomicLong doneFiles = new AtomicLong();
    private final AtomicLong doneBytes = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private final ProgressReporter reporter;

    TransferProgress(long totalFiles, long totalBytes, ProgressReporter reporter) {
        this.totalFiles = totalFiles;
        this.totalBytes = totalBytes;
        this.reporter = reporter;
    }

    void addBytes(long n) {
        doneBytes.addAndGet(n);
        reporter.update(snapshot());
    }

    void fileDone() {
        doneFiles.incrementAndGet();
        reporter.update(snapshot());
    }

    long doneBytes() {
        return doneBytes.get();
    }

    ProgressSnapshot snapshot() {
        return new ProgressSnapshot(doneFiles.get(), totalFiles, doneBytes.get(), totalBytes, System.nanoTime() - startNanos);
    }

    void finish() {
        reporter.finish(snapshot());
    }
}
