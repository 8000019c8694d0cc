package io.beamflow.archive.report;

import io.beamflow.archive.ArchiveMigrator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one migration pass did. Counters are updated by {@link ArchiveMigrator} only. */
public final class MigrationReport {
    /** Recorded by the operation that owns this report; read it through {@link #seriesClosed()}. */
    public int seriesClosed;
    /** Recorded by the operation that owns this report; read it through {@link #filesPlanned()}. */
    public int filesPlanned;
    /** Recorded by the operation that owns this report; read it through {@link #filesUpToDate()}. */
    public int filesUpToDate;
    /** Recorded by the operation that owns this report; read it through {@link #copiesWritten()}. */
    public int copiesWritten;
    /** Recorded by the operation that owns this report; read it through {@link #copiesVerified()}. */
    public int copiesVerified;
    /** Recorded by the operation that owns this report; read it through {@link #copiesAdoptedAfterCrash()}. */
    public int copiesAdoptedAfterCrash;
    /** Recorded by the operation that owns this report; read it through {@link #bytesWritten()}. */
    public long bytesWritten;
    /** Recorded by the operation that owns this report; read it through {@link #elapsedNanos()}. */
    public long elapsedNanos;
    private final List<String> errors = new ArrayList<>();

    /**
     * Records a finding (for the operation that owns this report).
     *
     * @param message what to record
     */
    public synchronized void error(String message) {
        errors.add(message);
    }

    /**
     * Records a finding (for the operation that owns this report).
     *
     * @param bytes what to record
     */
    public synchronized void copyWritten(long bytes) {
        copiesWritten++;
        bytesWritten += bytes;
    }

    /**
     * Records a finding (for the operation that owns this report).
     *
     * @param adopted what to record
     */
    public synchronized void copyVerified(boolean adopted) {
        copiesVerified++;
        if (adopted) {
            copiesAdoptedAfterCrash++;
        }
    }

    /** @return closed series found on the beamline filesystem */
    public int seriesClosed() {
        return seriesClosed;
    }

    /** @return files that needed at least one copy */
    public int filesPlanned() {
        return filesPlanned;
    }

    /** @return files already verified on every target */
    public int filesUpToDate() {
        return filesUpToDate;
    }

    /** @return copies written in this pass */
    public synchronized int copiesWritten() {
        return copiesWritten;
    }

    /** @return copies verified in this pass (written, or found complete after an interrupted pass) */
    public synchronized int copiesVerified() {
        return copiesVerified;
    }

    /** @return copies found complete under their final name after an interrupted pass, and verified */
    public synchronized int copiesAdoptedAfterCrash() {
        return copiesAdoptedAfterCrash;
    }

    /** @return bytes written to targets */
    public synchronized long bytesWritten() {
        return bytesWritten;
    }

    /** @return wall time in nanoseconds */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /** @return problems (one line each) */
    public synchronized List<String> errors() {
        return Collections.unmodifiableList(new ArrayList<>(errors));
    }

    /** @return true when nothing failed */
    public boolean ok() {
        return errors().isEmpty();
    }

    @Override
    public synchronized String toString() {
        double s = elapsedNanos / 1e9;
        return String.format(java.util.Locale.ROOT,
                "%d closed series, %d files to copy, %d already archived; %d copies written (%s), %d verified,"
                        + " %d recovered after interruption; %d errors; %.1f s (%s/s)",
                seriesClosed, filesPlanned, filesUpToDate, copiesWritten, ProgressSnapshot.bytes(bytesWritten),
                copiesVerified, copiesAdoptedAfterCrash, errors().size(), s,
                ProgressSnapshot.bytes(s > 0 ? (long) (bytesWritten / s) : 0));
    }
}
