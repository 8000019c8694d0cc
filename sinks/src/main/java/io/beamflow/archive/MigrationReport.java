package io.beamflow.archive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What one migration pass did. Counters are updated by {@link ArchiveMigrator} only. */
public final class MigrationReport {
    int seriesClosed;
    int filesPlanned;
    int filesUpToDate;
    int copiesWritten;
    int copiesVerified;
    int copiesAdoptedAfterCrash;
    long bytesWritten;
    long elapsedNanos;
    private final List<String> errors = new ArrayList<>();

    synchronized void error(String message) {
        errors.add(message);
    }

    synchronized void copyWritten(long bytes) {
        copiesWritten++;
        bytesWritten += bytes;
    }

    synchronized void copyVerified(boolean adopted) {
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
