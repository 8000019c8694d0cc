package io.beamflow.bench.archive;

import io.beamflow.archive.ArchiveMigrator;
import io.beamflow.archive.ChecksumAlgorithms;
import io.beamflow.archive.SeriesScanner;
import io.beamflow.archive.Throttle;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import io.beamflow.archive.target.WebDavTarget;
import io.beamflow.core.io.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Archive migration to two targets against the same work done with shell tools and no checksums, measured
 * in the same run, interleaved, best of {@code rounds}. One series of {@code totalMiB} in data files of
 * {@code fileMiB} (random bytes: bitshuffle/LZ4 frames do not compress further) plus a 1 MiB master is
 * created under {@code workDir}, which must be on a disk (not tmpfs, where {@code O_DIRECT} proves nothing).
 * Each round, after a {@code sync}, runs:
 * <ol>
 *   <li>{@code cp -r} to target A and to target B, {@code sync}, then {@code dd iflag=direct bs=4M} of every
 *       copy (the shell baseline with verification that bypasses the page cache, no checksums);</li>
 *   <li>{@code cp -r} to A and B, {@code sync} (the baseline for server-digest verification);</li>
 *   <li>{@code ArchiveMigrator} to two POSIX targets: one read per file, ADLER32, fsync + rename, read-back
 *       of both copies with {@code O_DIRECT}, catalog (fresh SQLite) upserts;</li>
 *   <li>{@code ArchiveMigrator} to two WebDAV doors on loopback that redirect each PUT to their pool ({@code 307}),
 *       whose pool stores like a dCache pool (ADLER32 while receiving, {@code O_DIRECT}, fsync) and answer
 *       {@code Want-Digest}: verification by server digest, no read-back.</li>
 * </ol>
 * MB/s is series bytes over wall time; CPU s/GB is user + system CPU time of the shell commands
 * ({@code /usr/bin/time}) or of this JVM ({@code /proc/self/stat}: all threads, GC included) per GB of series;
 * the emulated doors run in a child JVM, their CPU is printed apart (on this machine they share the cores). The
 * migrator is warmed up on a small series first, as the long-running service it is, and each door process takes
 * 64 MiB before it is measured.
 *
 * <p>Arguments: {@code [workDir] [totalMiB] [fileMiB] [rounds] [parallelFiles] [only]}, defaults
 * {@code target/bench-archive 1024 128 3 2}; {@code only} = {@code webdav} runs just {@code cp -r} x2 + {@code sync}
 * and the WebDAV migration (for profiling).
 */
public final class ArchiveMigrationBenchmark {
    private ArchiveMigrationBenchmark() {
    }

    /** Stands for a contestant not run (webdav only). */
    private static final Run SKIPPED = new Run(Double.NaN, Double.NaN, Double.NaN);

    /** One measurement. */
    private record Run(double seconds, double cpuSeconds, double userSeconds, double sysSeconds) {
        Run(double seconds, double userSeconds, double sysSeconds) {
            this(seconds, userSeconds + sysSeconds, userSeconds, sysSeconds);
        }
    }

    /** @return the 1, 5 and 15 minute load averages ({@code /proc/loadavg}) */
    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    /** @return user and system CPU seconds of this process so far ({@code /proc/self/stat}, clock ticks of 10 ms) */
    private static double[] selfCpu() throws IOException {
        return cpuOf("/proc/self/stat");
    }

    private static double[] cpuOf(String statFile) throws IOException {
        String stat = Files.readString(Path.of(statFile));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
    }

    /** @param args workDir totalMiB fileMiB rounds parallelFiles */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-archive").toAbsolutePath();
        int totalMiB = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int fileMiB = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int parallel = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        boolean all = args.length <= 5 || !args[5].equals("webdav");
        FileTrees.deleteRecursively(work);
        Path root = work.resolve("beamline");
        long bytes = createSeries(root.resolve("bench/s1"), totalMiB, fileMiB);
        String fs = Files.getFileStore(work).type();
        System.out.printf(Locale.ROOT, "series: %d MiB in %d files under %s (%s), parallel files %d, %d cores%n",
                bytes >> 20, (totalMiB + fileMiB - 1) / fileMiB + 1, root, fs, parallel,
                Runtime.getRuntime().availableProcessors());
        if (fs.equals("tmpfs")) {
            System.out.println("WARNING: the work directory is tmpfs; O_DIRECT reads there prove nothing");
        }
        Path a = work.resolve("target-a");
        Path b = work.resolve("target-b");
        String src = root.toString();
        String shellCopy = "cp -r '" + src + "' '" + a + "' && cp -r '" + src + "' '" + b + "' && sync";
        String shellVerified = shellCopy + " && find '" + a + "' '" + b + "' -type f -exec dd if={} of=/dev/null bs=4M"
                + " iflag=direct status=none ';'";
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        List<Double> doorCpu = new ArrayList<>();
        String[] names = {"cp -r x2 + sync + dd iflag=direct of every copy", "cp -r x2 + sync",
            "migrate, 2 POSIX targets, O_DIRECT read-back", "migrate, 2 WebDAV doors, server ADLER32"};
        for (String n : names) {
            runs.put(n, new ArrayList<>());
        }
        // the migrator is a long-running service: warm its code paths up on a small series first (not timed)
        Path warm = work.resolve("warm-up");
        long warmBytes = createSeries(warm.resolve("beamline/bench/s1"), 64, 16);
        for (int i = 0; i < 2; i++) {
            clean(work, a, b);
            if (all) {
                migrate(warm.resolve("beamline"), work, List.of(new PosixTarget(a), new PosixTarget(b)), warmBytes, parallel);
            }
            clean(work, a, b);
            try (DoorProcess doors = new DoorProcess(a, b)) {
                migrate(warm.resolve("beamline"), work, doors.targets(), warmBytes, parallel);
            }
        }
        FileTrees.deleteRecursively(warm);
        for (int r = 1; r <= rounds; r++) {
            runs.get(names[0]).add(clean(work, a, b) && all ? shell(shellVerified, work) : SKIPPED);
            runs.get(names[1]).add(clean(work, a, b) ? shell(shellCopy, work) : null);
            runs.get(names[2]).add(clean(work, a, b) && all
                    ? migrate(root, work, List.of(new PosixTarget(a), new PosixTarget(b)), bytes, parallel) : SKIPPED);
            clean(work, a, b);
            try (DoorProcess doors = new DoorProcess(a, b)) {
                doors.warmUp();
                double[] door0 = doors.cpu();
                Run m = migrate(root, work, doors.targets(), bytes, parallel);
                double[] door1 = doors.cpu();
                doorCpu.add((door1[0] - door0[0]) + (door1[1] - door0[1]));
                runs.get(names[3]).add(m);
            }
            StringBuilder line = new StringBuilder("round " + r + " (load average " + loadAverage() + "):");
            for (String n : names) {
                Run x = runs.get(n).get(r - 1);
                if (x == SKIPPED) {
                    continue;
                }
                line.append(String.format(Locale.ROOT, "%n  %-50s %5.0f MB/s  CPU %.2f s/GB (user %.2f, sys %.2f)", n,
                        bytes / x.seconds() / 1e6, x.cpuSeconds() / (bytes / 1e9), x.userSeconds() / (bytes / 1e9),
                        x.sysSeconds() / (bytes / 1e9)));
            }
            line.append(String.format(Locale.ROOT, "%n  (the two emulated doors, in their own process: CPU %.2f s/GB)",
                    doorCpu.get(r - 1) / (bytes / 1e9)));
            System.out.println(line);
            System.out.printf(Locale.ROOT, "round %d ratios: %sWebDAV-digest migrate / cp + sync %.2f%n", r, !all ? ""
                    : String.format(Locale.ROOT, "POSIX migrate / shell verified %.2f; ", runs.get(names[0]).get(r - 1).seconds() / runs.get(names[2]).get(r - 1).seconds()),
                    runs.get(names[1]).get(r - 1).seconds() / runs.get(names[3]).get(r - 1).seconds());
        }
        clean(work, a, b);
        double gb = bytes / 1e9;
        Map<String, Run> best = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "best of %d (%.2f GB series, two copies each):%n", rounds, gb);
        for (String n : names) {
            Run x = runs.get(n).stream().filter(y -> y != SKIPPED).min((p, q) -> Double.compare(p.seconds(), q.seconds())).orElse(SKIPPED);
            best.put(n, x);
            if (x == SKIPPED) {
                continue;
            }
            System.out.printf(Locale.ROOT, "  %-50s %7.0f MB/s  %6.2f s  CPU %5.2f s/GB (user %.2f, sys %.2f)%n", n,
                    bytes / x.seconds() / 1e6, x.seconds(), x.cpuSeconds() / gb, x.userSeconds() / gb, x.sysSeconds() / gb);
        }
        if (all) {
            System.out.printf(Locale.ROOT, "ratio migrate (POSIX, O_DIRECT verify) / shell (cp + sync + dd direct) = %.2f%n",
                    best.get(names[0]).seconds() / best.get(names[2]).seconds());
        }
        System.out.printf(Locale.ROOT, "ratio migrate (WebDAV, server digest) / shell (cp + sync)            = %.2f%n",
                best.get(names[1]).seconds() / best.get(names[3]).seconds());
        FileTrees.deleteRecursively(work);
    }

    /** Two {@link DigestDoor}s in a child JVM (same class path and flags), so their CPU time is not the migrator's. */
    private static final class DoorProcess implements AutoCloseable {
        private final Process process;
        private final List<java.net.URI> urls = new ArrayList<>();

        DoorProcess(Path a, Path b) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DigestDoor.class.getName(),
                    a.toString(), b.toString()));
            process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    process.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++) {
                String line = out.readLine();
                if (line == null || !line.startsWith("door ")) {
                    process.destroyForcibly();
                    throw new IOException("door process did not start: " + line);
                }
                urls.add(java.net.URI.create(line.substring(5)));
            }
        }

        List<ArchiveTarget> targets() {
            return List.of(new WebDavTarget(urls.get(0), 60_000, null), new WebDavTarget(urls.get(1), 60_000, null));
        }

        /**
         * Stores 64 MiB through each door before it is measured, so its code is compiled as in the long-running
         * server it stands in for (the migrator is warmed up likewise); the files go under {@code warm-up/}.
         */
        void warmUp() throws IOException {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(4 << 20);
            new SplittableRandom(7).longs(buf.capacity() / 8).forEach(buf::putLong);
            buf.flip();
            for (ArchiveTarget t : targets()) {
                try (t) {
                    for (int i = 0; i < 4; i++) {
                        ArchiveTarget.Upload up = t.begin("warm-up/w" + i, 16L << 20);
                        for (int k = 0; k < 4; k++) {
                            up.write(buf);
                        }
                        up.commit();
                    }
                }
            }
        }

        double[] cpu() throws IOException {
            return cpuOf("/proc/" + process.pid() + "/stat");
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Removes the copies and flushes dirty pages, so each contestant starts from the same state. */
    private static boolean clean(Path work, Path a, Path b) throws IOException, InterruptedException {
        FileTrees.deleteRecursively(a);
        FileTrees.deleteRecursively(b);
        for (String f : List.of("catalog.db", "catalog.db-wal", "catalog.db-shm", "catalog.db.lock")) {
            Files.deleteIfExists(work.resolve(f));
        }
        exec(List.of("sync"), null);
        return true;
    }

    private static Run migrate(Path root, Path work, List<ArchiveTarget> targets, long bytes, int parallel)
            throws IOException {
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + work.resolve("catalog.db"), Clock.systemUTC())) {
            double[] cpu0 = selfCpu();
            long t0 = System.nanoTime();
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(root), catalog, targets, Throttle.NONE, parallel,
                    ChecksumAlgorithms.ADLER32).migrate(null, ProgressReporter.NONE);
            long ns = System.nanoTime() - t0;
            double[] cpu1 = selfCpu();
            if (!r.ok() || r.bytesWritten() != 2 * bytes || r.bytesRead() != bytes || r.copiesVerified() != 2 * r.filesPlanned()) {
                throw new IllegalStateException("migration failed: " + r + " " + r.errors());
            }
            return new Run(ns / 1e9, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]);
        } finally {
            targets.forEach(ArchiveTarget::close);
        }
    }

    private static Run shell(String script, Path work) throws IOException, InterruptedException {
        Path times = work.resolve("time.txt");
        long t0 = System.nanoTime();
        exec(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString(), "sh", "-c", script), null);
        long ns = System.nanoTime() - t0;
        String[] us = Files.readString(times).trim().split("\\s+");
        return new Run(ns / 1e9, Double.parseDouble(us[us.length - 2]), Double.parseDouble(us[us.length - 1]));
    }

    private static void exec(List<String> cmd, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
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
}
