package io.beamflow.archive;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.report.PurgeReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.RelativePaths;
import io.beamflow.archive.target.TargetSet;
import io.beamflow.archive.target.VerifyOutcome;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes files from the beamline filesystem when the {@link ArchivePolicy} allows it. A file is deleted
 * only when
 * <ul>
 *   <li>the catalog holds at least {@code requiredCopies} VERIFIED copies and the retention period since
 *       the policy was met has elapsed (by the injected clock);</li>
 *   <li>with {@code reverify} (the default) those copies still verify now, on configured targets;</li>
 *   <li>the bytes on the beamline filesystem still match the catalog checksums.</li>
 * </ul>
 * Purge never touches anything outside the series directory: catalog paths must lie inside their series, and
 * files are reached and deleted without following symbolic links (a series or beamtime directory replaced by
 * a link makes the purge of its files refuse, not delete elsewhere).
 * The master file of a series is purged last, and only once every other file of the series is gone, so a
 * partly purged series still looks closed and its remaining copies can be repaired by the migrator.
 */
public final class ArchivePurger {
    private static final Logger LOG = LoggerFactory.getLogger(ArchivePurger.class);

    private final ArchiveCatalog catalog;
    private final TargetSet targets;
    private final ArchivePolicy policy;
    private final java.util.function.Function<String, ArchivePolicy> policyOf;
    private final Path root;
    private final Clock clock;
    private final boolean reverify;

    /**
     * @param catalog  the catalog
     * @param targets  configured targets (used to re-verify copies)
     * @param policy   required copies and retention
     * @param root     beamline root
     * @param clock    time source for the retention
     * @param reverify re-verify the counted copies right before deleting
     */
    public ArchivePurger(ArchiveCatalog catalog, List<ArchiveTarget> targets, ArchivePolicy policy, Path root,
            Clock clock, boolean reverify) {
        this(catalog, targets, policy, key -> policy, root, clock, reverify);
    }

    /**
     * A purger whose policy may differ per series (a beamtime's retention, {@link BeamtimeRetention}).
     *
     * @param catalog  the catalog
     * @param targets  configured targets (used to re-verify copies)
     * @param policy   required copies and retention by default
     * @param policyOf the policy of a series key
     * @param root     beamline root
     * @param clock    time source for the retention
     * @param reverify re-verify the counted copies right before deleting
     */
    public ArchivePurger(ArchiveCatalog catalog, List<ArchiveTarget> targets, ArchivePolicy policy,
            java.util.function.Function<String, ArchivePolicy> policyOf, Path root, Clock clock, boolean reverify) {
        this.catalog = catalog;
        this.targets = new TargetSet(targets);
        this.policy = policy;
        this.policyOf = policyOf;
        this.root = root;
        this.clock = clock;
        this.reverify = reverify;
    }

    /**
     * Runs one purge pass.
     *
     * @param selection null for all, or a series key / id
     * @param dryRun    only report what would be purged
     * @return what was done
     * @throws ArchiveException when another migration or purge holds the catalog's pass lock
     */
    public PurgeReport purge(String selection, boolean dryRun) {
        ArchiveCatalog.PassLock lock = catalog.lockPass();
        try {
            return purgeLocked(selection, dryRun);
        } finally {
            lock.close();
        }
    }

    private PurgeReport purgeLocked(String selection, boolean dryRun) {
        PurgeReport report = new PurgeReport();
        report.dryRun = dryRun;
        Map<String, List<CatalogFile>> bySeries = new LinkedHashMap<>();
        for (CatalogFile f : catalog.files(selection)) {
            if (!f.purged()) {
                bySeries.computeIfAbsent(f.series(), k -> new ArrayList<>()).add(f);
            }
        }
        for (Map.Entry<String, List<CatalogFile>> e : bySeries.entrySet()) {
            String seriesId = e.getKey().substring(e.getKey().lastIndexOf('/') + 1); // key: .../<seriesId>
            List<CatalogFile> files = new ArrayList<>(e.getValue());
            files.sort(Comparator.comparing((CatalogFile f) -> f.path().endsWith("/" + seriesId + ClosedSeriesPredicate.MASTER_SUFFIX))
                    .thenComparing(CatalogFile::path));
            boolean othersGone = true;
            for (CatalogFile f : files) {
                boolean master = f.path().endsWith("/" + seriesId + ClosedSeriesPredicate.MASTER_SUFFIX);
                othersGone &= purgeFile(f, dryRun, !master || othersGone, report);
            }
            if (!dryRun) {
                removeIfEmpty(e.getKey());
            }
        }
        LOG.info("archive purge: {}", report);
        return report;
    }

    /** @return true when the file is (or, in a dry run, would be) gone from the beamline filesystem */
    private boolean purgeFile(CatalogFile f, boolean dryRun, boolean mayDelete, PurgeReport report) {
        List<CatalogCopy> copies = catalog.copies(f.path());
        ArchivePolicy seriesPolicy = policyOf(f.series());
        Optional<Long> from = seriesPolicy.purgeableFrom(copies);
        if (from.isEmpty()) {
            report.keptPolicyNotMet++;
            LOG.debug("{} kept: {} of {} required copies verified", f.path(),
                    copies.stream().filter(CatalogCopy::verified).count(), seriesPolicy.requiredCopies());
            return false;
        }
        if (clock.millis() < from.get()) {
            report.keptRetention++;
            LOG.debug("{} kept in retention until {}", f.path(), Instant.ofEpochMilli(from.get()));
            return false;
        }
        if (!mayDelete) {
            report.keptMasterLast++;
            LOG.debug("{} kept until every other file of the series is purged", f.path());
            return false;
        }
        if (reverify) {
            int good = 0;
            List<String> bad = new ArrayList<>();
            for (CatalogCopy c : copies) {
                ArchiveTarget t = targets.get(c.target());
                if (!c.verified() || t == null) {
                    continue;
                }
                VerifyOutcome v = ArchiveVerifier.check(t, f);
                if (v != null) {
                    catalog.recordCopy(f.path(), t.uri(), v.state(), v.method(), v.detail());
                }
                if (v != null && v.ok()) {
                    good++;
                } else {
                    bad.add(t.uri() + ": " + (v == null ? "unreachable" : v.state() + " (" + v.detail() + ")"));
                }
            }
            if (good < seriesPolicy.requiredCopies()) {
                refuse(report, f.path() + ": only " + good + " of " + seriesPolicy.requiredCopies()
                        + " required copies verify now " + bad);
                return false;
            }
        }
        if (!insideItsSeries(f)) {
            refuse(report, f.path() + ": catalog path is not a file inside series " + f.series() + "; nothing deleted");
            return false;
        }
        try (ContainedFile source = ContainedFile.open(root, f.path())) {
            BasicFileAttributes a = source.attributes();
            if (a == null) {
                LOG.warn("{}: already gone from the beamline filesystem; archive copies are verified, marking purged", f.path());
                report.filesAlreadyGone++;
                if (!dryRun) {
                    catalog.markPurged(f.path());
                }
                return true;
            }
            if (!a.isRegularFile()) {
                refuse(report, f.path() + ": is now a " + ArchiveMigrator.kind(a) + " on the beamline filesystem, not the"
                        + " archived file; not deleted");
                return false;
            }
            FileChecksums now;
            try (SeekableByteChannel ch = source.read()) {
                now = ChecksumAccumulator.of(ch, ChecksumAlgorithms.toCheck(f.checksums()));
            }
            String mismatch = f.checksums().mismatch(now);
            if (mismatch != null) {
                refuse(report, f.path() + ": bytes on the beamline filesystem differ from the catalog (" + mismatch + ")");
                return false;
            }
            if (!dryRun) {
                source.delete();
                catalog.markPurged(f.path());
                ArchiveMetrics.purged();
            }
            report.filesPurged++;
            report.bytesFreed += f.sizeBytes();
            return true;
        } catch (IOException | IllegalArgumentException e) {
            refuse(report, f.path() + ": " + e.getMessage() + "; not deleted");
            return false;
        }
    }

    /**
     * A catalog row names a file below its own series directory, {@code <beamtime>/<seriesId>/...} or (ASAP3)
     * {@code <year>/data/<beamtime>/raw/<seriesId>/...}: the series key is what {@link ArchiveSeries#keyOf} makes of
     * the path.
     */
    private static boolean insideItsSeries(CatalogFile f) {
        try {
            RelativePaths.check(f.path());
            RelativePaths.check(f.series());
            return f.path().startsWith(f.series() + "/") && f.series().equals(ArchiveSeries.keyOf(f.path()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private ArchivePolicy policyOf(String seriesKey) {
        ArchivePolicy p = policyOf.apply(seriesKey);
        return p == null ? policy : p;
    }

    private static void refuse(PurgeReport report, String line) {
        LOG.error("archive purge refused: {}", line);
        ArchiveMetrics.error("purge");
        report.refuse(line);
    }

    private void removeIfEmpty(String seriesKey) {
        try (ContainedFile dir = ContainedFile.open(root, seriesKey)) {
            dir.deleteDirectory();
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // files remain (not yet purgeable, or not archived), or it is gone already
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot remove empty series directory {}: {}", seriesKey, e.toString());
        }
    }
}
