package io.beamflow.bench.chaos;

import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The archive part of the drill, through the command line only ({@code beamflow archive migrate|verify}):
 * migrations of the closed series, throttled so that one takes a few seconds, killed with SIGKILL at random
 * moments, then one that runs to its end, {@code archive verify}, and a byte-for-byte comparison of every copy
 * with the beamline file.
 */
final class ArchiveDrill {
    /** What happened. */
    record Outcome(int kills, int migrations, String migrateLine, String verifyLine, int filesCompared,
            List<String> problems) {
    }

    private final DrillSettings settings;
    private final Path config;
    private final Path logs;
    private final Random random;
    private int runs;

    ArchiveDrill(DrillSettings settings, Path config, Path logs, Random random) {
        this.settings = settings;
        this.config = config;
        this.logs = logs;
        this.random = random;
    }

    /**
     * @param seriesDir the closed series' directory on the beamline
     * @param kills     SIGKILLs to deal out
     * @return what happened
     * @throws Exception when a step cannot run
     */
    Outcome run(Path seriesDir, int kills) throws Exception {
        long bytes;
        try (Stream<Path> files = Files.list(seriesDir)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        // two copies of every byte in about archiveSeconds
        long throttle = Math.max(64 * 1024, (long) (2 * bytes / settings.archiveSeconds()));
        List<String> problems = new ArrayList<>();
        int done = 0;
        String migrateLine = "";
        while (done < kills) {
            long before = bytesInTargets();
            ChildJvm m = migrate(throttle);
            // once it copies (its JVM start takes longer than the copying here), at a random moment within an
            // equal share of the copying per kill
            Await.until(Duration.ofMinutes(5), () -> "archive migrate copying; " + m.outputTail(20),
                    () -> !m.process().isAlive() || bytesInTargets() > before);
            long delayMs = (long) (random.nextDouble() * 1000 * settings.archiveSeconds() / kills);
            if (m.process().waitFor(delayMs, TimeUnit.MILLISECONDS)) {
                migrateLine = m.lastLine(l -> l.startsWith("migrate: ")).orElse("");
                if (m.process().exitValue() != 0) {
                    problems.add("archive migrate exited " + m.process().exitValue() + ": " + m.outputTail(20));
                }
                break; // it finished before its kill: nothing left to interrupt
            }
            m.kill9();
            done++;
        }
        ChildJvm last = migrate(0);
        int code = last.awaitExit(600);
        migrateLine = last.lastLine(l -> l.startsWith("migrate: ")).orElse(migrateLine);
        if (code != 0) {
            problems.add("the last archive migrate exited " + code + ":\n" + last.outputTail(30));
        }
        ChildJvm verify = cli("verify", List.of("archive", "verify", "--config", config.toString(), "--quiet"));
        int verifyCode = verify.awaitExit(600);
        String verifyLine = verify.lastLine(l -> l.startsWith("verify: ")).orElse("(no verify line)");
        if (verifyCode != 0) {
            problems.add("archive verify exited " + verifyCode + ":\n" + verify.outputTail(30));
        }
        int compared = compareCopies(seriesDir, problems);
        return new Outcome(done, runs, migrateLine, verifyLine, compared, problems);
    }

    /**
     * @return bytes in the archive targets, temporary files included; {@link Long#MAX_VALUE} when a file went away
     *         while they were listed (a migrator renaming its copies: it is copying)
     */
    private long bytesInTargets() {
        long total = 0;
        for (Path t : targets()) {
            if (Files.isDirectory(t)) {
                try (Stream<Path> files = Files.walk(t)) {
                    total += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                } catch (IOException | java.io.UncheckedIOException e) {
                    return Long.MAX_VALUE;
                }
            }
        }
        return total;
    }

    private List<Path> targets() {
        return List.of(settings.work().resolve("archive/copy-1"), settings.work().resolve("archive/copy-2"));
    }

    private ChildJvm migrate(long throttle) {
        return cli("migrate", List.of("archive", "migrate", "--config", config.toString(), "--quiet",
                "--throttle-bytes-per-second", Long.toString(throttle)));
    }

    private ChildJvm cli(String what, List<String> args) {
        runs += what.equals("migrate") ? 1 : 0;
        return ChildJvm.builder(ChaosDrill.CLI).jvmArgs("-Xmx256m", "-Dlog4j2.configurationFile=log4j2-test.xml")
                .args(args).output(logs.resolve("archive-" + what + "-" + runs + ".log")).start();
    }

    /** Every beamline file of the series has, in each target, a copy with the same bytes. */
    private int compareCopies(Path seriesDir, List<String> problems) throws IOException {
        Path root = seriesDir.getParent().getParent(); // sink.outputRoot: the archive's beamline root
        List<Path> targets = targets();
        int compared = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(seriesDir)) {
            files = list.sorted().toList();
        }
        for (Path f : files) {
            String expected = sha256(f);
            for (Path t : targets) {
                Path copy = t.resolve(root.relativize(f).toString());
                if (!Files.isRegularFile(copy)) {
                    problems.add("no archive copy " + copy);
                } else if (!sha256(copy).equals(expected)) {
                    problems.add("archive copy " + copy + " differs from " + f);
                } else {
                    compared++;
                }
            }
        }
        return compared;
    }

    private static String sha256(Path f) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
