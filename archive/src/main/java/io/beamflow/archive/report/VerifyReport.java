package io.beamflow.archive.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a verification pass found. */
public final class VerifyReport {
    /** Recorded by the operation that owns this report; read it through {@link #filesChecked()}. */
    public int filesChecked;
    /** Recorded by the operation that owns this report; read it through {@link #copiesVerified()}. */
    public int copiesVerified;
    /** Recorded by the operation that owns this report; read it through {@link #copiesCorrupt()}. */
    public int copiesCorrupt;
    /** Recorded by the operation that owns this report; read it through {@link #copiesMissing()}. */
    public int copiesMissing;
    /** Recorded by the operation that owns this report; read it through {@link #copiesFailed()}. */
    public int copiesFailed;
    /** Recorded by the operation that owns this report; read it through {@link #copiesSkipped()}. */
    public int copiesSkipped;
    private final List<String> problems = new ArrayList<>();

    /**
     * Records a finding (for the operation that owns this report).
     *
     * @param line what to record
     */
    public void problem(String line) {
        problems.add(line);
    }

    /** @return files whose copies were checked */
    public int filesChecked() {
        return filesChecked;
    }

    /** @return copies that match the catalog */
    public int copiesVerified() {
        return copiesVerified;
    }

    /** @return copies whose bytes differ from the catalog */
    public int copiesCorrupt() {
        return copiesCorrupt;
    }

    /** @return copies recorded in the catalog but absent from their target */
    public int copiesMissing() {
        return copiesMissing;
    }

    /** @return copies that could not be checked (target unreachable, I/O error) */
    public int copiesFailed() {
        return copiesFailed;
    }

    /** @return copies on targets that are not configured, not checked */
    public int copiesSkipped() {
        return copiesSkipped;
    }

    /** @return one line per bad copy: path, target, state, detail */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** @return true when every checked copy matches */
    public boolean ok() {
        return copiesCorrupt == 0 && copiesMissing == 0 && copiesFailed == 0;
    }

    @Override
    public String toString() {
        return String.format("%d files: %d copies verified, %d corrupt, %d missing, %d unreachable, %d on unconfigured targets",
                filesChecked, copiesVerified, copiesCorrupt, copiesMissing, copiesFailed, copiesSkipped);
    }
}
