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
 * Files are taken from one queue by {@code parallelFiles} slots. A slot begins a file's copies on all targets
 * at the same time, reads and sends it, then goes on with the next file while the targets' final answers
 * (their fsync), the renames, the verifications and the catalog records of the previous one complete in the
 * background (awaited once the next file is sent), so waiting on the targets does not leave the slot idle.
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
            runSlots(plan, shaThreads, writeThreads, ioThreads, report, progress);
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

    /**
     * Runs {@code parallelFiles} slots (the calling thread when there is one) that take the next file of the plan
     * when they are free, so no slot waits for a wave of files to end.
     */
    private void runSlots(List<Work> plan, ExecutorService shaThreads, ExecutorService writeThreads,
            ExecutorService ioThreads, MigrationReport report, TransferProgress progress) throws IOException {
        java.util.Queue<Work> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(plan);
        int slots = Math.min(parallelFiles, plan.size());
        if (slots <= 1) {
            runSlot(queue, new OneReadCopier(shaThreads, writeThreads), ioThreads, report, progress);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(slots, daemon("archive-copy"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                done.add(pool.submit(() -> {
                    runSlot(queue, new OneReadCopier(shaThreads, writeThreads), ioThreads, report, progress);
                    return null;
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

    /**
     * One slot: reads and sends file after file; the commit of a file's copies (the targets' final answers
     * after their fsync, rename, verification, catalog) runs in the background while the next file is read
     * and sent, and is awaited once that next file is sent (so a slot has at most two files committing).
     */
    private void runSlot(java.util.Queue<Work> queue, OneReadCopier copier, ExecutorService ioThreads,
            MigrationReport report, TransferProgress progress) {
        Pending pending = null;
        try {
            Work w;
            while ((w = queue.poll()) != null) {
                Pending next = startFile(w, copier, ioThreads, report, progress);
                if (pending != null) {
                    Pending p = pending;
                    pending = null;
                    settle(p, copier, ioThreads, report, progress);
                }
                pending = next;
            }
            if (pending != null) {
                Pending p = pending;
                pending = null;
                settle(p, copier, ioThreads, report, progress);
            }
        } finally {
            if (pending != null) {
                // a failure elsewhere ends the slot: let the file's commit end before the pass does
                try {
                    pending.again.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    LOG.debug("{}: commit ended with {}", pending.work.file.relPath(), e.toString());
                }
            }
        }
    }

    /** A file whose copies were sent and are being committed in the background. */
    private record Pending(Work work, Future<List<ArchiveTarget>> again) {
    }

    /**
     * Adopts existing copies, then reads and sends the file to the targets still missing one; their commit goes
     * on in the background.
     *
     * @return the background commit, or null when the file is done (adopted, failed or skipped)
     */
    private Pending startFile(Work w, OneReadCopier copier, ExecutorService ioThreads, MigrationReport report,
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
        if (toCopy.isEmpty()) {
            progress.fileDone();
            return null;
        }
        Sent sent = send(w, toCopy, copier, ioThreads, report, progress);
        if (sent == null) {
            progress.fileDone();
            return null;
        }
        return new Pending(w, ioThreads.submit(() -> commitAll(w, sent, ATTEMPTS <= 1, ioThreads, report)));
    }

    /** Waits for a file's background commit, copies it again where a copy failed verification, and counts it done. */
    private void settle(Pending p, OneReadCopier copier, ExecutorService ioThreads, MigrationReport report,
            TransferProgress progress) {
        List<ArchiveTarget> again;
        try {
            again = p.again().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArchiveException("migration interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new ArchiveException("commit of " + p.work().file.relPath() + " failed: " + e.getCause(), e.getCause());
        }
        for (int attempt = 2; !again.isEmpty(); attempt++) {
            Sent sent = send(p.work(), again, copier, ioThreads, report, progress);
            again = sent == null ? List.of() : commitAll(p.work(), sent, attempt >= ATTEMPTS, ioThreads, report);
        }
        progress.fileDone();
    }

    /** The uploads of one read of a file, not committed yet, and the targets that failed so far. */
    private record Sent(OneReadCopier.Result read, Map<ArchiveTarget, ArchiveTarget.Upload> uploads,
            Map<ArchiveTarget, Exception> failed, String changed) {
    }

    /**
     * One read of the source to the given targets (the copies are not committed here).
     *
     * @return what was sent, or null when nothing is left to commit (the failures are reported then)
     */
    private Sent send(Work w, List<ArchiveTarget> targets, OneReadCopier copier, ExecutorService ioThreads,
            MigrationReport report, TransferProgress progress) {
        SeriesFile f = w.file;
        BasicFileAttributes pre;
        try {
            pre = Files.readAttributes(f.source(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            fail(report, f.relPath() + ": cannot read the source: " + e);
            return null;
        }
        if (!pre.isRegularFile()) {
            skip(report, f.relPath() + ": not a regular file any more (" + kind(pre) + "); not archived, links are never followed");
            return null;
        }
        if (pre.size() != f.sizeBytes()) {
            fail(report, f.relPath() + ": source changed since it was scanned; not archived");
            return null;
        }
        long t0 = System.nanoTime();
        Map<ArchiveTarget, ArchiveTarget.Upload> uploads = new LinkedHashMap<>();
        // failed targets are reported once the file is registered, so the catalog records their FAILED copies
        Map<ArchiveTarget, Exception> failed = new LinkedHashMap<>();
        // the targets' handshakes (a door's redirect to its pool, the pool's 100 Continue) at the same time
        Map<ArchiveTarget, Future<ArchiveTarget.Upload>> others = new LinkedHashMap<>();
        for (ArchiveTarget t : targets.subList(1, targets.size())) {
            others.put(t, ioThreads.submit(() -> t.begin(f.relPath(), f.sizeBytes())));
        }
        for (ArchiveTarget t : targets) {
            try {
                Future<ArchiveTarget.Upload> begun = others.get(t);
                uploads.put(t, begun == null ? t.begin(f.relPath(), f.sizeBytes()) : begun.get());
            } catch (IOException | RuntimeException e) {
                failed.put(t, e);
            } catch (ExecutionException e) {
                failed.put(t, e.getCause() instanceof Exception x ? x : new IOException(String.valueOf(e.getCause()), e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.put(t, new InterruptedIOException("interrupted while the copy to " + t.uri() + " began"));
            }
        }
        if (uploads.isEmpty()) {
            failed.forEach((t, e) -> failCopy(report, w, t, e));
            return null;
        }
        long t1 = System.nanoTime();
        OneReadCopier.Result r;
        try {
            r = copier.copy(f.source(), uploads, algorithms, throttle, progress::addBytes);
        } catch (IOException | RuntimeException e) {
            fail(report, f.relPath() + ": cannot read the source: " + e);
            return null;
        }
        LOG.debug("{}: begin {} ms, read and send {} ms", f.relPath(), ms(t1 - t0), ms(System.nanoTime() - t1));
        report.sourceRead(r.bytesRead());
        failed.putAll(r.failed());
        uploads.keySet().removeAll(r.failed().keySet());
        if (uploads.isEmpty()) {
            failed.forEach((t, e) -> failCopy(report, w, t, e));
            return null;
        }
        String changed = null;
        try {
            if (r.bytesRead() != pre.size() || !unchanged(f.source(), pre)) {
                changed = "source changed while it was copied";
            }
        } catch (IOException e) {
            changed = "source vanished while it was copied (" + e + ")";
        }
        return new Sent(r, uploads, failed, changed);
    }

    /**
     * Registers the file (at its first copy), then commits and verifies every copy of one read at the same time
     * and records each in the catalog; copies are committed only when the source did not change while it was
     * read and its checksums match the catalog.
     *
     * @return the targets whose copy failed verification and should be copied again (none when {@code last})
     */
    private List<ArchiveTarget> commitAll(Work w, Sent sent, boolean last, ExecutorService ioThreads,
            MigrationReport report) {
        SeriesFile f = w.file;
        OneReadCopier.Result r = sent.read();
        Map<ArchiveTarget, ArchiveTarget.Upload> uploads = sent.uploads();
        Map<ArchiveTarget, Exception> failed = sent.failed();
        String changed = sent.changed();
        long t0 = System.nanoTime();
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
        long t1 = System.nanoTime();
        // every copy is made durable, renamed and verified at the same time as the others (deeper device queues)
        Map<ArchiveTarget, Future<Checked>> checks = new LinkedHashMap<>();
        for (Map.Entry<ArchiveTarget, ArchiveTarget.Upload> e : uploads.entrySet()) {
            checks.put(e.getKey(), ioThreads.submit(() -> commitAndVerify(w, e.getKey(), e.getValue())));
        }
        List<ArchiveTarget> again = new ArrayList<>();
        for (Map.Entry<ArchiveTarget, Future<Checked>> e : checks.entrySet()) {
            ArchiveTarget t = e.getKey();
            Checked c = await(e.getValue());
            LOG.debug("{} -> {}: commit {} ms, verify {} ms (register {} ms before)", f.relPath(), t.uri(),
                    ms(c.commitNs()), ms(c.verifyNs()), ms(t1 - t0));
            if (c.committed()) {
                report.copyWritten(f.sizeBytes());
                ArchiveMetrics.bytes(f.sizeBytes());
            }
            if (c.failure() != null) {
                failCopy(report, w, t, c.failure());
                continue;
            }
            VerifyOutcome v = c.outcome();
            long r0 = System.nanoTime();
            catalog.recordCopy(f.relPath(), t.uri(), v.state(), v.method(), v.detail());
            LOG.debug("{} -> {}: catalog record {} ms", f.relPath(), t.uri(), ms(System.nanoTime() - r0));
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

    /** What committing and verifying one copy gave, and how long each took. */
    private record Checked(boolean committed, VerifyOutcome outcome, Exception failure, long commitNs, long verifyNs) {
        Checked(boolean committed, VerifyOutcome outcome, Exception failure) {
            this(committed, outcome, failure, 0, 0);
        }
    }

    /** @return milliseconds for a debug message, formatted only when the message is logged */
    private static Object ms(long ns) {
        return new Object() {
            @Override
            public String toString() {
                return String.format(java.util.Locale.ROOT, "%.1f", ns / 1e6);
            }
        };
    }

    private Checked commitAndVerify(Work w, ArchiveTarget t, ArchiveTarget.Upload upload) {
        long t0 = System.nanoTime();
        try {
            upload.commit();
        } catch (IOException | RuntimeException e) {
            return new Checked(false, null, e);
        }
        long t1 = System.nanoTime();
        try {
            VerifyOutcome v = t.verify(w.file.relPath(), w.registered.checksums(), w.registered.sizeBytes());
            return new Checked(true, v, null, t1 - t0, System.nanoTime() - t1);
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
