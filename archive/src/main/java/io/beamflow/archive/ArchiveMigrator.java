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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 *   <li>otherwise the file is read <em>once</em> and its bytes go to ADLER32 (SHA-256 too when configured,
 *       on another thread) and to the temporary-named copies on all remaining targets at the same time; the
 *       first copy registers the file and its checksums; copies are renamed only when the source did not
 *       change while it was read and its checksums match the catalog;</li>
 *   <li>each copy is verified in a way that proves what the target holds (read back bypassing the page
 *       cache, or the server's digest) before its state becomes {@link CopyState#VERIFIED}; the catalog
 *       records the method.</li>
 * </ol>
 * Symbolic links and other non-regular files in a series are reported and skipped, never followed. Every
 * step is idempotent, so a pass killed at any point is resumed by running it again.
 */
public final class ArchiveMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveMigrator.class);
    private static final int ATTEMPTS = 2;

    private final SeriesScanner scanner;
    private final ArchiveCatalog catalog;
    private final List<ArchiveTarget> targets;
    private final Throttle throttle;
    private final int parallelFiles;
    private final ChecksumAlgorithms algorithms;

    /**
     * A migrator that copies one file at a time with ADLER32.
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
     * A migrator with ADLER32.
     *
     * @param scanner       finds closed series
     * @param catalog       the catalog
     * @param targets       archive targets (at least one)
     * @param throttle      transfer limit shared by all copies
     * @param parallelFiles files copied concurrently
     */
    public ArchiveMigrator(SeriesScanner scanner, ArchiveCatalog catalog, List<ArchiveTarget> targets, Throttle throttle,
            int parallelFiles) {
        this(scanner, catalog, targets, throttle, parallelFiles, ChecksumAlgorithms.ADLER32);
    }

    /**
     * @param scanner       finds closed series
     * @param catalog       the catalog
     * @param targets       archive targets (at least one)
     * @param throttle      transfer limit shared by all copies
     * @param parallelFiles files copied concurrently (each file is read once for all targets)
     * @param algorithms    checksums computed and recorded (ADLER32 always)
     */
    public ArchiveMigrator(SeriesScanner scanner, ArchiveCatalog catalog, List<ArchiveTarget> targets, Throttle throttle,
            int parallelFiles, ChecksumAlgorithms algorithms) {
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
        this.algorithms = algorithms;
    }

    /** One file and the targets it still needs; {@code registered} is set once the catalog knows the file. */
    private static final class Work {
        final SeriesFile file;
        final List<ArchiveTarget> targets;
        CatalogFile registered;

        Work(SeriesFile file, CatalogFile registered, List<ArchiveTarget> targets) {
            this.file = file;
            this.registered = registered;
            this.targets = targets;
        }
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
        List<ArchiveSeries> series = scanner.closedSeries(selection, skipped -> {
            LOG.error("archive migration: {}", skipped);
            ArchiveMetrics.error("scan");
            report.skipped(skipped);
        });
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
        ExecutorService shaThreads = Executors.newCachedThreadPool(daemon("archive-sha256"));
        ExecutorService ioThreads = Executors.newCachedThreadPool(daemon("archive-commit-verify"));
        ExecutorService writeThreads = Executors.newCachedThreadPool(daemon("archive-write"));
        try {
            if (parallelFiles == 1 || plan.size() < 2) {
                OneReadCopier copier = new OneReadCopier(shaThreads, writeThreads);
                for (Work w : plan) {
                    migrateFile(w, copier, ioThreads, report, progress);
                    progress.fileDone();
                }
            } else {
                runParallel(plan, shaThreads, writeThreads, ioThreads, report, progress);
            }
        } finally {
            shaThreads.shutdownNow();
            writeThreads.shutdownNow();
            ioThreads.shutdownNow();
        }
        progress.finish();
        report.elapsedNanos = System.nanoTime() - start;
        LOG.info("archive migration: {}", report);
        return report;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void runParallel(List<Work> plan, ExecutorService shaThreads, ExecutorService writeThreads,
            ExecutorService ioThreads, MigrationReport report, TransferProgress progress) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelFiles, plan.size()), daemon("archive-copy"));
        ThreadLocal<OneReadCopier> copiers = ThreadLocal.withInitial(() -> new OneReadCopier(shaThreads, writeThreads));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Work w : plan) {
                done.add(pool.submit(() -> {
                    migrateFile(w, copiers.get(), ioThreads, report, progress);
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

    private void migrateFile(Work w, OneReadCopier copier, ExecutorService ioThreads, MigrationReport report,
            TransferProgress progress) {
        SeriesFile f = w.file;
        List<ArchiveTarget> toCopy = new ArrayList<>();
        for (ArchiveTarget t : w.targets) {
            if (w.registered != null) {
                try {
                    VerifyOutcome existing = t.verify(f.relPath(), w.registered.checksums(), w.registered.sizeBytes());
                    if (existing.ok()) {
                        catalog.recordCopy(f.relPath(), t.uri(), existing.state(), existing.method(), existing.detail());
                        report.copyVerified(true, existing.method());
                        progress.addBytes(f.sizeBytes());
                        continue;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("{} on {}: no adoptable copy ({})", f.relPath(), t.uri(), e.toString());
                }
            }
            toCopy.add(t);
        }
        for (int attempt = 1; !toCopy.isEmpty(); attempt++) {
            toCopy = copyOnce(w, toCopy, attempt >= ATTEMPTS, copier, ioThreads, report, progress);
        }
    }

    /**
     * One read of the source to the given targets, then commit and verification of each copy.
     *
     * @return the targets whose copy failed verification and should be copied again
     */
    private List<ArchiveTarget> copyOnce(Work w, List<ArchiveTarget> targets, boolean last, OneReadCopier copier,
            ExecutorService ioThreads, MigrationReport report, TransferProgress progress) {
        SeriesFile f = w.file;
        BasicFileAttributes pre;
        try {
            pre = Files.readAttributes(f.source(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            fail(report, f.relPath() + ": cannot read the source: " + e);
            return List.of();
        }
        if (!pre.isRegularFile()) {
            skip(report, f.relPath() + ": not a regular file any more (" + kind(pre) + "); not archived, links are never followed");
            return List.of();
        }
        if (pre.size() != f.sizeBytes()) {
            fail(report, f.relPath() + ": source changed since it was scanned; not archived");
            return List.of();
        }
        Map<ArchiveTarget, ArchiveTarget.Upload> uploads = new LinkedHashMap<>();
        // failed targets are reported once the file is registered, so the catalog records their FAILED copies
        Map<ArchiveTarget, Exception> failed = new LinkedHashMap<>();
        for (ArchiveTarget t : targets) {
            try {
                uploads.put(t, t.begin(f.relPath(), f.sizeBytes()));
            } catch (IOException | RuntimeException e) {
                failed.put(t, e);
            }
        }
        if (uploads.isEmpty()) {
            failed.forEach((t, e) -> failCopy(report, w, t, e));
            return List.of();
        }
        OneReadCopier.Result r;
        try {
            r = copier.copy(f.source(), uploads, algorithms, throttle, progress::addBytes);
        } catch (IOException | RuntimeException e) {
            fail(report, f.relPath() + ": cannot read the source: " + e);
            return List.of();
        }
        report.sourceRead(r.bytesRead());
        failed.putAll(r.failed());
        uploads.keySet().removeAll(r.failed().keySet());
        if (uploads.isEmpty()) {
            failed.forEach((t, e) -> failCopy(report, w, t, e));
            return List.of();
        }
        String changed = null;
        try {
            if (r.bytesRead() != pre.size() || !unchanged(f.source(), pre)) {
                changed = "source changed while it was copied";
            }
        } catch (IOException e) {
            changed = "source vanished while it was copied (" + e + ")";
        }
        if (changed == null) {
            if (w.registered == null) {
                w.registered = catalog.registerFile(f, r.checksums());
            }
            String mismatch = w.registered.checksums().mismatch(r.checksums());
            if (mismatch != null) {
                changed = "source bytes differ from the catalog (" + mismatch + ")";
            }
        }
        failed.forEach((t, e) -> failCopy(report, w, t, e));
        if (changed != null) {
            uploads.values().forEach(ArchiveTarget.Upload::abort);
            fail(report, f.relPath() + ": " + changed + "; not archived");
            return List.of();
        }
        // every copy is made durable, renamed and verified at the same time as the others (deeper device queues)
        Map<ArchiveTarget, Future<Checked>> checks = new LinkedHashMap<>();
        for (Map.Entry<ArchiveTarget, ArchiveTarget.Upload> e : uploads.entrySet()) {
            checks.put(e.getKey(), ioThreads.submit(() -> commitAndVerify(w, e.getKey(), e.getValue())));
        }
        List<ArchiveTarget> again = new ArrayList<>();
        for (Map.Entry<ArchiveTarget, Future<Checked>> e : checks.entrySet()) {
            ArchiveTarget t = e.getKey();
            Checked c = await(e.getValue());
            if (c.committed()) {
                report.copyWritten(f.sizeBytes());
                ArchiveMetrics.bytes(f.sizeBytes());
            }
            if (c.failure() != null) {
                failCopy(report, w, t, c.failure());
                continue;
            }
            VerifyOutcome v = c.outcome();
            catalog.recordCopy(f.relPath(), t.uri(), v.state(), v.method(), v.detail());
            ArchiveMetrics.copy("migrate", v.state());
            if (v.ok()) {
                report.copyVerified(false, v.method());
                LOG.debug("{} -> {} verified ({})", f.relPath(), t.uri(), v.method());
            } else if (last) {
                fail(report, f.relPath() + " -> " + t.uri() + ": copy failed verification: " + v.detail());
            } else {
                LOG.warn("{} -> {}: copy failed verification ({}), copying it again", f.relPath(), t.uri(), v.detail());
                again.add(t);
            }
        }
        return again;
    }

    /** What committing and verifying one copy gave. */
    private record Checked(boolean committed, VerifyOutcome outcome, Exception failure) {
    }

    private Checked commitAndVerify(Work w, ArchiveTarget t, ArchiveTarget.Upload upload) {
        try {
            upload.commit();
        } catch (IOException | RuntimeException e) {
            return new Checked(false, null, e);
        }
        try {
            return new Checked(true, t.verify(w.file.relPath(), w.registered.checksums(), w.registered.sizeBytes()), null);
        } catch (IOException | RuntimeException e) {
            return new Checked(true, null, new IOException("verification failed: " + e, e));
        }
    }

    private static Checked await(Future<Checked> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Checked(false, null, new java.io.InterruptedIOException("interrupted"));
        } catch (ExecutionException e) {
            return new Checked(false, null, new IOException(String.valueOf(e.getCause()), e.getCause()));
        }
    }

    private void failCopy(MigrationReport report, Work w, ArchiveTarget t, Exception e) {
        String why = e.getMessage() != null ? e.getMessage() : e.toString();
        fail(report, w.file.relPath() + " -> " + t.uri() + ": " + why);
        if (w.registered != null) {
            catalog.recordCopy(w.file.relPath(), t.uri(), CopyState.FAILED, null, why);
        }
    }

    static String kind(BasicFileAttributes a) {
        return a.isSymbolicLink() ? "symbolic link" : a.isDirectory() ? "directory" : a.isOther() ? "special file" : "file";
    }

    private static boolean unchanged(Path file, BasicFileAttributes pre) throws IOException {
        BasicFileAttributes post = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return post.isRegularFile() && post.size() == pre.size() && post.lastModifiedTime().equals(pre.lastModifiedTime());
    }

    private static void fail(MigrationReport report, String message) {
        LOG.error("archive migration: {}", message);
        ArchiveMetrics.error("migrate");
        report.error(message);
    }

    private static void skip(MigrationReport report, String message) {
        LOG.error("archive migration: {}", message);
        ArchiveMetrics.error("scan");
        report.skipped(message);
    }
}
