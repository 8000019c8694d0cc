package io.beamflow.archive.report;

import java.util.Map;

/**
 * Archive state of one series.
 *
 * @param series            series key
 * @param files             files in the catalog (or on disk, for a series not yet archived)
 * @param sizeBytes         total bytes
 * @param verifiedByTarget  target URI to number of VERIFIED copies
 * @param badCopies         copies CORRUPT, MISSING or FAILED
 * @param policyMetFiles    files with the required verified copies
 * @param purgedFiles       files removed from the beamline filesystem
 * @param purgeableFromMs   when the last file's retention ends, or null while the policy is not met for all
 * @param onDiskNotArchived files of a closed series on disk that the catalog does not know yet
 */
public record SeriesStatus(String series, int files, long sizeBytes, Map<String, Integer> verifiedByTarget,
        int badCopies, int policyMetFiles, int purgedFiles, Long purgeableFromMs, int onDiskNotArchived) {
}
