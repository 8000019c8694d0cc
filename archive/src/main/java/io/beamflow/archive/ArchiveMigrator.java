package io.beamflow.archive;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.VerifyOutcome;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the closed series of the beamline filesystem to every archive target and records each file and
 * copy in the catalog. For each file and target whose copy is not yet verified:
 * <ol>
 *   <li>if a complete copy already sits under the final name (a pass killed after the rename but before
 *       the catalog update) and matches the catalog, it is adopted;</li>
 *   <li>otherwise the file is streamed to the target under a temporary name, checksummed (ADLER32 +
 *       SHA-256) on the way, and renamed; the first copy registers the file and its checksums;</li>
 *   <li>the copy is verified (server digest or read-back) against the catalog before its state becomes
 *       {@link CopyState#VERIFIED}.</li>
 * </ol>
 * Every step is idempotent, so a pass killed at any point is resumed by running it again.
 */
public final class ArchiveMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveMigrator.class);
    private static final int ATTEMPTS = 2;

    private final SeriesScanner scanner;
    private final ArchiveCatalog catalog;
    private final List<ArchiveTarget> targets;
    private final Throttle throttle;
    private final int parallelFiles;

    /**
     * A migrator that copies one file at a time.
     *
     * @param scanner  finds closed series
     * @param catalog  the catalog
     * @param targets  archive targets (at least one)
     * @param throttle transfer limit shared by all copies
     */
    public ArchiveMigrator(SeriesScanner scanner, ArchiveCatalog catalog, List<ArchiveTarget> targets, Throttle throttle) {
        this(scanner, catalog, targets, throttle, 1);
    }

    /**
     * @param scanner       finds closed series
     * @param catalog       the catalog
     * @param targets       archive targets (at least one)
     * @param throttle      transfer limit shared by all copies
     * @param parallelFiles files copied concurrently (checksumming is CPU-bound: up to the number of cores)
     */
    public ArchiveMigrator(SeriesScanner scanner, ArchiveCatalog catalog, List<ArchiveTarget> targets, Throttle throttle,
            int parallelFiles) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no archive targets configured");
        }
        if (parallelFiles < 1) {
            throw new IllegalArgumentException("parallelFiles must be at least 1, got " + parallelFiles);
        }
        this.scanner = scanner;
        this.catalog = catalog;
        this.targets = List.copyOf(targets);
        this.throttle = throttle;
        this.parallelFiles = parallelFiles;
    }

    private record Work(SeriesFile file, CatalogFile registered, List<ArchiveTarget> targets) {
    }

    /**
     * Runs one pass.
     *
     * @param selection null for all closed series, or a series key / id
     * @param reporter  progress output
     * @return what was done
     * @throws IOException when the beamline root cannot be listed
     * @throws ArchiveException when another migration or purge holds the catalog's pass lock
     */
    public MigrationReport migrate(String selection, ProgressReporter reporter) throws IOException {
        ArchiveCatalog.PassLock lock = catalog.lockPass();
        try {
            return migrateLocked(selection, reporter);
        } finally {
            lock.close();
        }
    }

    private MigrationReport migrateLocked(String selection, ProgressReporter reporter) throws IOException {
        long start = System.nanoTime();
        MigrationReport report = new MigrationReport();
        List<ArchiveSeries> series = scanner.closedSeries(selection);
        report.seriesClosed = series.size();
        List<Work> plan = new ArrayList<>();
        long plannedBytes = 0;
        for (ArchiveSeries s : series) {
            for (SeriesFile f : s.files()) {
                CatalogFile reg = catalog.file(f.relPath()).orElse(null);
                if (reg != null && reg.purged()) {
                    continue;
                }
                if (reg != null && reg.sizeBytes() != f.sizeBytes()) {
                    fail(report, f.relPath() + ": source size " + f.sizeBytes() + " differs from catalog "
                            + reg.sizeBytes() + " (file changed after it was archived); not copied");
                    continue;
                }
                Map<String, CopyState> states = catalog.copies(f.relPath()).stream()
                        .collect(Collectors.toMap(CatalogCopy::target, CatalogCopy::state));
                List<ArchiveTarget> todo = targets.stream()
                        .filter(t -> states.get(t.uri()) != CopyState.VERIFIED).toList();
                if (todo.isEmpty()) {
                    report.filesUpToDate++;
                } else {
                    plan.add(new Work(f, reg, todo));
                    plannedBytes += f.sizeBytes() * todo.size();
                }
            }
        }
        report.filesPlanned = plan.size();
        TransferProgress progress = new TransferProgress(plan.size(), plannedBytes, reporter);
        if (parallelFiles == 1 || plan.size() < 2) {
            for (Work w : plan) {
                migrateFile(w, report, progress);
                progress.fileDone();
            }
        } else {
            runParallel(plan, report, progress);
        }
        progress.finish();
        report.elapsedNanos = System.nanoTime() - start;
        LOG.info("archive migration: {}", report);
        return report;
    }

    private void runParallel(List<Work> plan, MigrationReport report, TransferProgress progress) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelFiles, plan.size()), r -> {
            Thread t = new Thread(r, "archive-copy");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Work w : plan) {
                done.add(pool.submit(() -> {
                    migrateFile(w, report, progress);
                    progress.fileDone();
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("migration interrupted");
        } catch (ExecutionException e) {
            throw new ArchiveException("migration worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void migrateFile(Work w, MigrationReport report, TransferProgress progress) {
        SeriesFile f = w.file();
        CatalogFile reg = w.registered();
        for (ArchiveTarget t : w.targets()) {
            try {
                if (reg != null) {
                    VerifyOutcome existing = t.verify(f.relPath(), reg.checksums(), reg.sizeBytes());
                    if (existing.ok()) {
                        catalog.recordCopy(f.relPath(), t.uri(), existing.state(), existing.method(), null);
                        report.copyVerified(true);
                        progress.addBytes(f.sizeBytes());
                        continue;
                    }
                }
                reg = copyAndVerify(f, reg, t, report, progress);
                if (reg == null) {
                    return;
                }
            } catch (IOException | ArchiveException | IllegalArgumentException e) {
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                fail(report, f.relPath() + " -> " + t.uri() + ": " + why);
                if (reg != null) {
                    catalog.recordCopy(f.relPath(), t.uri(), CopyState.FAILED, null, why);
                }
            }
        }
    }

    /** @return the catalog record, or null when the file must not be archived (source changed) */
    private CatalogFile copyAndVerify(SeriesFile f, CatalogFile reg, ArchiveTarget t, MigrationReport report,
            TransferProgress progress) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long before = progress.doneBytes();
            BasicFileAttributes pre = Files.readAttributes(f.source(), BasicFileAttributes.class);
            FileChecksums sent = t.store(f.relPath(), f.source(), throttle, progress::addBytes);
            report.copyWritten(f.sizeBytes());
            ArchiveMetrics.bytes(f.sizeBytes());
            if (!unchanged(f.source(), pre)) {
                fail(report, f.relPath() + ": source changed while it was copied; not archived");
                return null;
            }
            if (reg == null) {
                reg = catalog.registerFile(f, sent);
            }
            String changed = reg.checksums().mismatch(sent);
            if (changed != null) {
                fail(report, f.relPath() + ": source bytes differ from the catalog (" + changed + "); not archived");
                return null;
            }
            VerifyOutcome v = t.verify(f.relPath(), reg.checksums(), reg.sizeBytes());
            catalog.recordCopy(f.relPath(), t.uri(), v.state(), v.method(), v.detail());
            ArchiveMetrics.copy("migrate", v.state());
            if (v.ok()) {
                report.copyVerified(false);
                LOG.debug("{} -> {} verified ({})", f.relPath(), t.uri(), v.method());
                return reg;
            }
            LOG.warn("{} -> {}: copy failed verification ({}), attempt {}/{}", f.relPath(), t.uri(), v.detail(),
                    attempt, ATTEMPTS);
            if (attempt >= ATTEMPTS) {
                fail(report, f.relPath() + " -> " + t.uri() + ": copy failed verification: " + v.detail());
                return reg;
            }
            progress.addBytes(before - progress.doneBytes());
        }
    }

    private static boolean unchanged(Path file, BasicFileAttributes pre) throws IOException {
        BasicFileAttributes post = Files.readAttributes(file, BasicFileAttributes.class);
        return post.size() == pre.size() && post.lastModifiedTime().equals(pre.lastModifiedTime());
    }

    private static void fail(MigrationReport report, String message) {
        LOG.error("archive migration: {}", message);
        ArchiveMetrics.error("migrate");
        report.error(message);
    }
}
