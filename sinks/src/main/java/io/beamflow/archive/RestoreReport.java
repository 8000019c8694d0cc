package io.beamflow.archive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a restore did. */
public final class RestoreReport {
    String series;
    int filesRestored;
    int filesAlreadyPresent;
    long bytesRestored;
    private final List<String> errors = new ArrayList<>();

    void error(String line) {
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
