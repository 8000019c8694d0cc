package io.beamflow.bench.archive;

import io.beamflow.archive.ArchiveMigrator;
import io.beamflow.archive.SeriesScanner;
import io.beamflow.archive.Throttle;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import io.beamflow.core.io.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Archive migration throughput against {@code cp -r} of the same files in the same run. Creates one
 * series of {@code totalMiB} in files of {@code fileMiB} under {@code workDir}, then alternates, for
 * {@code rounds} rounds: {@code cp -r} to a fresh directory, {@code cp -r} followed by {@code sync -f}
 * (the migrator fsyncs every copy), {@code cp -r} + {@code sync} + {@code sha256sum} of source and copy
 * (the same work done with shell tools), and migrations with one and two files in parallel (fresh catalog, one
 * POSIX target: copy with ADLER32 + SHA-256, fsync, rename, read-back verification with both checksums,
 * catalog upsert). Reports the best round of
 * each and the ratios. All reads come from the page cache for every contestant (the files were just
 * written and fit in memory).
 *
 * <p>Arguments: {@code [workDir] [totalMiB] [fileMiB] [rounds]}, defaults
 * {@code /tmp/beamflow-bench-archive 1024 64 3}.
 */
public final class ArchiveMigrationBenchmark {
    private ArchiveMigrationBenchmark() {
    }

    /** @param args workDir totalMiB fileMiB rounds */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/beamflow-bench-archive");
        int totalMiB = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int fileMiB = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        deleteTree(work);
        Path root = work.resolve("beamline");
        long bytes = createSeries(root.resolve("bench/s1"), totalMiB, fileMiB);
        System.out.printf(Locale.ROOT, "series: %d MiB in %d files of %d MiB under %s%n", bytes >> 20,
                (totalMiB + fileMiB - 1) / fileMiB + 1, fileMiB, root);

        double bestCp = 0;
        double bestCpSync = 0;
        double bestCpSum = 0;
        double bestMigrate = 0;
        double bestMigrate2 = 0;
        for (int r = 1; r <= rounds; r++) {
            double cp = run(List.of("cp", "-r", root.toString(), work.resolve("cp").toString()), null, bytes);
            deleteTree(work.resolve("cp"));
            double cpSync = run(List.of("cp", "-r", root.toString(), work.resolve("cpsync").toString()),
                    work.resolve("cpsync"), bytes);
            deleteTree(work.resolve("cpsync"));
            // the same work as the migrator with shell tools: copy, flush, checksum source and copy
            double cpSum = run(List.of("sh", "-c", "cp -r \"$0\" \"$1\" && sync -f \"$1\" && find \"$0\" \"$1\" -type f"
                    + " -exec sha256sum {} + > /dev/null", root.toString(), work.resolve("cpsum").toString()), null, bytes);
            deleteTree(work.resolve("cpsum"));
            double mig = migrate(root, work, bytes, 1);
            double mig2 = migrate(root, work, bytes, 2);
            System.out.printf(Locale.ROOT, "round %d: cp -r %.0f MB/s, cp -r + sync %.0f MB/s, cp -r + sync + sha256sum"
                    + " of both %.0f MB/s, migrate %.0f MB/s, migrate with 2 files in parallel %.0f MB/s%n",
                    r, cp, cpSync, cpSum, mig, mig2);
            bestCpSum = Math.max(bestCpSum, cpSum);
            bestMigrate2 = Math.max(bestMigrate2, mig2);
            bestCp = Math.max(bestCp, cp);
            bestCpSync = Math.max(bestCpSync, cpSync);
            bestMigrate = Math.max(bestMigrate, mig);
        }
        System.out.printf(Locale.ROOT, "best: cp -r %.0f MB/s, cp -r + sync %.0f MB/s, migrate (1 POSIX target, verified)"
                + " %.0f MB/s, with 2 files in parallel %.0f MB/s%n", bestCp, bestCpSync, bestMigrate, bestMigrate2);
        System.out.printf(Locale.ROOT, "ratio migrate / cp -r = %.2f, migrate / (cp -r + sync) = %.2f;"
                + " parallel 2: %.2f, %.2f%n", bestMigrate / bestCp, bestMigrate / bestCpSync,
                bestMigrate2 / bestCp, bestMigrate2 / bestCpSync);
        System.out.printf(Locale.ROOT, "same work with shell tools (cp -r + sync + sha256sum of source and copy): %.0f MB/s;"
                + " ratio migrate / that = %.2f, parallel 2: %.2f%n", bestCpSum, bestMigrate / bestCpSum, bestMigrate2 / bestCpSum);
        deleteTree(work);
    }

    private static double migrate(Path root, Path work, long bytes, int parallelFiles) throws IOException {
        List<ArchiveTarget> targets = List.of(new PosixTarget(work.resolve("archive")));
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + work.resolve("catalog.db"), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(root), catalog, targets, Throttle.NONE, parallelFiles)
                    .migrate(null, ProgressReporter.NONE);
            long ns = System.nanoTime() - t0;
            if (!r.ok() || r.bytesWritten() != bytes) {
                throw new IllegalStateException("migration failed: " + r);
            }
            return bytes / (ns / 1e9) / 1e6;
        } finally {
            deleteTree(work.resolve("archive"));
            Files.deleteIfExists(work.resolve("catalog.db"));
            Files.deleteIfExists(work.resolve("catalog.db-wal"));
            Files.deleteIfExists(work.resolve("catalog.db-shm"));
        }
    }

    private static double run(List<String> cmd, Path syncDir, long bytes) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        exec(cmd);
        if (syncDir != null) {
            exec(List.of("sync", "-f", syncDir.toString()));
        }
        long ns = System.nanoTime() - t0;
        return bytes / (ns / 1e9) / 1e6;
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed with " + p.exitValue());
        }
    }

    private static long createSeries(Path dir, int totalMiB, int fileMiB) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] buf = new byte[1 << 20];
        long total = 0;
        List<Path> files = new ArrayList<>();
        int n = (totalMiB + fileMiB - 1) / fileMiB;
        for (int i = 1; i <= n; i++) {
            files.add(dir.resolve(String.format("s1_data_%06d.h5", i)));
        }
        files.add(dir.resolve("s1_master.h5"));
        for (Path f : files) {
            int mib = f.getFileName().toString().contains("master") ? 1 : Math.min(fileMiB, totalMiB - (int) (total >> 20));
            try (OutputStream out = Files.newOutputStream(f)) {
                for (int m = 0; m < mib; m++) {
                    for (int j = 0; j < buf.length; j += 8) {
                        long v = rnd.nextLong();
                        for (int k = 0; k < 8; k++) {
                            buf[j + k] = (byte) (v >>> (8 * k));
                        }
                    }
                    out.write(buf);
                }
            }
            total += (long) mib << 20;
        }
        return total;
    }

    private static void deleteTree(Path dir) throws IOException {
        FileTrees.deleteRecursively(dir);
    }
}
