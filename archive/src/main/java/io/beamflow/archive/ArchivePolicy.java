package io.beamflow.archive;

import io.beamflow.archive.catalog.CatalogCopy;
import java.util.List;
import java.util.Optional;

/**
 * When a file may leave the beamline filesystem: it needs {@code requiredCopies} verified archive copies,
 * and stays {@code retentionDays} after the policy was first met.
 *
 * @param requiredCopies verified copies required (at least 1)
 * @param retentionDays  days to keep the file on the beamline filesystem after that (0 or more)
 */
public record ArchivePolicy(int requiredCopies, int retentionDays) {
    /** Validates. */
    public ArchivePolicy {
        if (requiredCopies < 1) {
            throw new IllegalArgumentException("requiredCopies must be at least 1, got " + requiredCopies);
        }
        if (retentionDays < 0) {
            throw new IllegalArgumentException("retentionDays must not be negative, got " + retentionDays);
        }
    }

    /** @return the retention in milliseconds */
    public long retentionMs() {
        return retentionDays * 86_400_000L;
    }

    /**
     * @param copies the file's copies
     * @return when the required number of copies was first verified, or empty while the policy is not met
     */
    public Optional<Long> metAt(List<CatalogCopy> copies) {
        List<Long> times = copies.stream().filter(CatalogCopy::verified).map(CatalogCopy::firstVerifiedMs)
                .filter(t -> t != null).sorted().toList();
        return times.size() < requiredCopies ? Optional.empty() : Optional.of(times.get(requiredCopies - 1));
    }

    /**
     * @param copies the file's copies
     * @return the earliest time the file may be purged, or empty while the policy is not met
     */
    public Optional<Long> purgeableFrom(List<CatalogCopy> copies) {
        return metAt(copies).map(t -> t + retentionMs());
    }
}
