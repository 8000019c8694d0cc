package io.beamflow.archive.report;

import io.beamflow.archive.ArchiveMigrator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    private final List<String> skipped = new ArrayList<>();
    private final Map<String, Integer> verifiedBy = new TreeMap<>();
    private long bytesRead;

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
     * Records a verified copy (for the migrator).
     *
     * @param adopted true when the copy was found complete after an interrupted pass
     * @param method  how it was verified
     */
    public synchronized void copyVerified(boolean adopted, String method) {
        copiesVerified++;
        if (adopted) {
            copiesAdoptedAfterCrash++;
        }
        verifiedBy.merge(method, 1, Integer::sum);
    }

    /**
     * Records bytes read from the beamline filesystem (for the migrator).
     *
     * @param bytes bytes read from a source file
     */
    public synchronized void sourceRead(long bytes) {
        bytesRead += bytes;
    }

    /**
     * Records an entry of a series that was not archived because it is not a regular file (for the migrator).
     *
     * @param line what was skipped and why
     */
    public synchronized void skipped(String line) {
        skipped.add(line);
    }

    /** @return bytes read from source files (each source file is read once for all targets) */
    public synchronized long bytesRead() {
        return bytesRead;
    }

    /** @return entries skipped because they are symbolic links or other non-regular files (one line each) */
    public synchronized List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** @return verification method to number of copies verified with it in this pass */
    public synchronized Map<String, Integer> verifiedBy() {
        return new TreeMap<>(verifiedBy);
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

    /** @return true when nothing failed and nothing was skipped */
    public boolean ok() {
        return errors().isEmpty() && skipped().isEmpty();
    }

    @Override
    public synchronized String toString() {
        double s = elapsedNanos / 1e9;
        return String.format(java.util.Locale.ROOT,
                "%d closed series, %d files to copy, %d already archived; %s read, %d copies written (%s), %d verified %s,"
                        + " %d recovered after interruption; %d skipped (not regular files); %d errors; %.1f s (%s/s)",
                seriesClosed, filesPlanned, filesUpToDate, ProgressSnapshot.bytes(bytesRead), copiesWritten,
                ProgressSnapshot.bytes(bytesWritten), copiesVerified, verifiedBy, copiesAdoptedAfterCrash,
                skipped.size(), errors.size(), s,
                ProgressSnapshot.bytes(s > 0 ? (long) (bytesWritten / s) : 0));
    }
}
