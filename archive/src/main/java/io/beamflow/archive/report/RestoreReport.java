package io.beamflow.archive.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a restore did. */
public final class RestoreReport {
    /** Recorded by the operation that owns this report; read it through {@link #series()}. */
    public String series;
    /** Recorded by the operation that owns this report; read it through {@link #filesRestored()}. */
    public int filesRestored;
    /** Recorded by the operation that owns this report; read it through {@link #filesAlreadyPresent()}. */
    public int filesAlreadyPresent;
    /** Recorded by the operation that owns this report; read it through {@link #bytesRestored()}. */
    public long bytesRestored;
    private final List<String> errors = new ArrayList<>();

    /**
     * Records a finding (for the operation that owns this report).
     *
     * @param line what to record
     */
    public void error(String line) {
        errors.add(line);
    }

    /** @return the series key restored */
    public String series() {
        return series;
    }

    /** @return files written to the destination */
    public int filesRestored() {
        return filesRestored;
    }

    /** @return files already present in the destination with the catalog checksums */
    public int filesAlreadyPresent() {
        return filesAlreadyPresent;
    }

    /** @return bytes written */
    public long bytesRestored() {
        return bytesRestored;
    }

    /** @return files that could not be restored from any target, one line each */
    public List<String> errors() {
        return Collections.unmodifiableList(errors);
    }

    /** @return true when every file was restored and verified */
    public boolean ok() {
        return errors.isEmpty();
    }

    @Override
    public String toString() {
        return String.format("series %s: %d files restored (%s), %d already present, %d failed", series, filesRestored,
                ProgressSnapshot.bytes(bytesRestored), filesAlreadyPresent, errors.size());
    }
}
