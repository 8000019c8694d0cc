package io.beamflow.archive.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a purge pass did and why it kept files. */
public final class PurgeReport {
    /** Recorded by the operation that owns this report; read it through {@link #filesPurged()}. */
    public int filesPurged;
    /** Recorded by the operation that owns this report; read it through {@link #bytesFreed()}. */
    public long bytesFreed;
    /** Recorded by the operation that owns this report; read it through {@link #filesAlreadyGone()}. */
    public int filesAlreadyGone;
    /** Recorded by the operation that owns this report; read it through {@link #keptPolicyNotMet()}. */
    public int keptPolicyNotMet;
    /** Recorded by the operation that owns this report; read it through {@link #keptRetention()}. */
    public int keptRetention;
    /** Recorded by the operation that owns this report; read it through {@link #keptMasterLast()}. */
    public int keptMasterLast;
    /** Recorded by the operation that owns this report; read it through {@link #refused()}. */
    public int refused;
    /** Recorded by the operation that owns this report; read it through {@link #toString()}. */
    public boolean dryRun;
    private final List<String> refusals = new ArrayList<>();

    /**
     * Records a finding (for the operation that owns this report).
     *
     * @param line what to record
     */
    public void refuse(String line) {
        refused++;
        refusals.add(line);
    }

    /** @return files removed from the beamline filesystem (or that would be, in a dry run) */
    public int filesPurged() {
        return filesPurged;
    }

    /** @return bytes freed */
    public long bytesFreed() {
        return bytesFreed;
    }

    /** @return files whose source had already disappeared; marked purged since the policy was met */
    public int filesAlreadyGone() {
        return filesAlreadyGone;
    }

    /** @return files kept because they lack verified copies */
    public int keptPolicyNotMet() {
        return keptPolicyNotMet;
    }

    /** @return files kept because the retention period has not elapsed */
    public int keptRetention() {
        return keptRetention;
    }

    /** @return master files eligible but kept because other files of their series remain */
    public int keptMasterLast() {
        return keptMasterLast;
    }

    /** @return files refused although the policy looked met (a copy failed re-verification, the source changed) */
    public int refused() {
        return refused;
    }

    /** @return one line per refused file */
    public List<String> refusals() {
        return Collections.unmodifiableList(refusals);
    }

    @Override
    public String toString() {
        return String.format("%d files %s (%s), %d already gone; kept: %d lacking verified copies, %d in retention,"
                + " %d master files waiting for their series; %d refused", filesPurged, dryRun ? "would be purged (dry run)"
                : "purged", ProgressSnapshot.bytes(bytesFreed), filesAlreadyGone, keptPolicyNotMet, keptRetention,
                keptMasterLast, refused);
    }
}
