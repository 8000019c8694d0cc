package io.beamflow.archive;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.VerifyReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.TargetSet;
import io.beamflow.archive.target.VerifyOutcome;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks archive copies recorded in the catalog against the catalog checksums and records the outcome
 * (a corrupt or missing copy loses its VERIFIED state, so purge will not count it).
 */
public final class ArchiveVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveVerifier.class);

    private final ArchiveCatalog catalog;
    private final TargetSet targets;

    /**
     * @param catalog the catalog
     * @param targets the configured targets; copies on other targets are skipped
     */
    public ArchiveVerifier(ArchiveCatalog catalog, List<ArchiveTarget> targets) {
        this.catalog = catalog;
        this.targets = new TargetSet(targets);
    }

    /**
     * Verifies every recorded copy of the selected series.
     *
     * @param selection null for all, or a series key / id
     * @param reporter  progress output
     * @return findings
     */
    public VerifyReport verify(String selection, ProgressReporter reporter) {
        Map<String, List<CatalogCopy>> copies = catalog.copiesBySeries(selection);
        Map<String, CatalogFile> files = new HashMap<>();
        long bytes = 0;
        for (CatalogFile f : catalog.files(selection)) {
            files.put(f.path(), f);
            bytes += f.sizeBytes() * copies.getOrDefault(f.path(), List.of()).size();
        }
        TransferProgress progress = new TransferProgress(files.size(), bytes, reporter);
        VerifyReport report = new VerifyReport();
        for (Map.Entry<String, List<CatalogCopy>> e : copies.entrySet()) {
            CatalogFile f = files.get(e.getKey());
            report.filesChecked++;
            for (CatalogCopy c : e.getValue()) {
                ArchiveTarget t = targets.get(c.target());
                if (t == null) {
                    report.copiesSkipped++;
                    continue;
                }
                VerifyOutcome v = check(t, f);
                progress.addBytes(f.sizeBytes());
                ArchiveMetrics.copy("verify", v == null ? CopyState.FAILED : v.state());
                if (v == null) {
                    report.copiesFailed++;
                    report.problem(f.path() + " on " + t.uri() + ": FAILED (target unreachable)");
                    continue;
                }
                catalog.recordCopy(f.path(), t.uri(), v.state(), v.method(), v.detail());
                switch (v.state()) {
                    case VERIFIED -> report.copiesVerified++;
                    case CORRUPT -> report.copiesCorrupt++;
                    case MISSING -> report.copiesMissing++;
                    default -> report.copiesFailed++;
                }
                if (!v.ok()) {
                    String line = f.path() + " on " + t.uri() + ": " + v.state() + " (" + v.detail() + ")";
                    LOG.error("archive verify: {}", line);
                    report.problem(line);
                }
            }
            progress.fileDone();
        }
        progress.finish();
        LOG.info("archive verify: {}", report);
        return report;
    }

    /** @return the outcome, or null when the target could not be read (state unknown, catalog unchanged) */
    static VerifyOutcome check(ArchiveTarget t, CatalogFile f) {
        try {
            return t.verify(f.path(), f.checksums(), f.sizeBytes());
        } catch (IOException | RuntimeException e) {
            LOG.error("archive verify: cannot check {} on {}: {}", f.path(), t.uri(), e.toString());
            return null;
        }
    }
}
