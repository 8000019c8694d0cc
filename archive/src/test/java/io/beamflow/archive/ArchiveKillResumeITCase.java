package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.VerifyReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.ArchiveTargets;
import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a migration running in its own JVM with SIGKILL at several points mid-copy, resumes it, and checks
 * that catalog and targets end up consistent: no duplicate catalog rows, no partial file under a final
 * name at any time, no lost file, no temporary file left.
 */
class ArchiveKillResumeITCase {
    private static final int DATA_FILES = 3;
    private static final int FILE_BYTES = 8 * 1024 * 1024;
    private static final long THROTTLE_BYTES_PER_SECOND = 16L * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void shouldResumeAfterKill9WithoutDuplicatesPartialFilesOrLoss() throws Exception {
        try (ApacheDavServer dav = ApacheDavServer.start()) {
            Path beamline = tmp.resolve("beamline");
            List<Path> files = new ArrayList<>(SeriesFixture.write(beamline, "p42", "run7", DATA_FILES, FILE_BYTES, 7));
            files.addAll(SeriesFixture.write(beamline, "p42", "run8", 1, FILE_BYTES, 8));
            Path posixRoot = tmp.resolve("pnfs");
            Path davRoot = dav.dataDir().resolve("arch");
            String catalogUrl = "jdbc:sqlite:" + tmp.resolve("catalog.db");
            List<String> targets = List.of(posixRoot.toUri().toString(), dav.url("arch").toString());
            long totalBytes = 2 * files.stream().mapToLong(f -> f.toFile().length()).sum();

            int kills = 0;
            for (long threshold : new long[] {totalBytes / 8, totalBytes * 3 / 8, totalBytes * 5 / 8}) {
                Process child = startChild(beamline, catalogUrl, targets);
                try {
                    Await.value(Duration.ofSeconds(Await.DEFAULT_TIMEOUT_SECONDS),
                            () -> threshold + " bytes copied or the migration finished; " + log(child),
                            () -> bytesIn(posixRoot) + bytesIn(davRoot) >= threshold || !child.isAlive(), done -> done);
                    assertTrue(child.isAlive(), "migration finished before it could be killed; " + log(child));
                    child.destroyForcibly(); // SIGKILL on Unix
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                    kills++;
                } finally {
                    child.destroyForcibly();
                }
                assertFinalNamesHoldOnlyCompleteCopies(beamline, posixRoot, davRoot);
            }
            assertEquals(3, kills);

            try (ArchiveCatalog catalog = ArchiveCatalog.open(catalogUrl, Clock.systemUTC())) {
                List<ArchiveTarget> t = ArchiveTargets.of(targets, null);
                MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, t, Throttle.NONE)
                        .migrate(null, ProgressReporter.NONE);
                assertTrue(r.ok(), r.errors().toString());
                assertArrayEquals(new long[] {files.size(), 2L * files.size()}, catalog.rowCounts(),
                        "one catalog row per file and per copy");
                for (Path f : files) {
                    String rel = beamline.relativize(f).toString();
                    assertEquals(ChecksumAccumulator.of(f, ChecksumAlgorithms.ADLER32), catalog.file(rel).orElseThrow().checksums(), rel);
                    assertEquals(2, catalog.copies(rel).stream().filter(CatalogCopy::verified).count(), rel);
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(posixRoot.resolve(rel)), rel);
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(davRoot.resolve(rel)), rel);
                }
                assertEquals(files.size(), regularFiles(posixRoot).size(), "no temporary files left: " + regularFiles(posixRoot));
                assertEquals(files.size(), regularFiles(davRoot).size(), "no temporary files left: " + regularFiles(davRoot));
                VerifyReport v = new ArchiveVerifier(catalog, t).verify(null, ProgressReporter.NONE);
                assertTrue(v.ok(), v.problems().toString());
            }
        }
    }

    private Process startChild(Path beamline, String catalogUrl, List<String> targets) {
        List<String> args = new ArrayList<>(List.of(beamline.toString(), catalogUrl,
                Long.toString(THROTTLE_BYTES_PER_SECOND)));
        args.addAll(targets);
        return ChildJvm.builder(MigrationChild.class.getName())
                .jvmArgs("-Xmx256m", "-Dlog4j2.configurationFile=log4j2-test.xml").args(args)
                .output(tmp.resolve("child-" + System.nanoTime() + ".log")).start().process();
    }

    private String log(Process p) {
        try (Stream<Path> s = Files.list(tmp)) {
            StringBuilder sb = new StringBuilder("alive=" + p.isAlive());
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith("child-")).sorted().toList()) {
                sb.append("\n--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
            return sb.toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long bytesIn(Path dir) throws IOException {
        long sum = 0;
        for (Path f : regularFiles(dir)) {
            try {
                sum += Files.size(f);
            } catch (IOException vanished) {
                // renamed while walking
            }
        }
        return sum;
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(p -> {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            // a temporary file was renamed while walking; the caller polls again
        }
        return out;
    }

    private static void assertFinalNamesHoldOnlyCompleteCopies(Path beamline, Path... roots) throws IOException {
        for (Path root : roots) {
            for (Path copy : regularFiles(root)) {
                String name = copy.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                Path source = beamline.resolve(root.relativize(copy).toString());
                assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(copy),
                        "partial or wrong file under a final name: " + copy);
            }
        }
    }
}
