package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.PurgeReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever can write a series directory must not be able to pull other files into the archive or make purge
 * delete elsewhere: links and other non-regular files in a series are reported and skipped, a linked series
 * directory is not archived, and purge refuses to go through a link.
 */
class NoFollowLinksTest {
    @TempDir
    Path tmp;
    Path beamline;
    Path secret;
    ArchiveCatalog catalog;
    List<ArchiveTarget> targets;

    @BeforeEach
    void setUp() throws Exception {
        beamline = tmp.resolve("beamline");
        secret = Files.writeString(Files.createDirectories(tmp.resolve("home")).resolve("id_rsa"), "PRIVATE KEY");
        catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH));
        targets = List.of(new PosixTarget(tmp.resolve("pool-a")), new PosixTarget(tmp.resolve("pool-b")));
    }

    @AfterEach
    void tearDown() {
        catalog.close();
    }

    private MigrationReport migrate() throws Exception {
        return new ArchiveMigrator(new SeriesScanner(beamline), catalog, targets, Throttle.NONE)
                .migrate(null, ProgressReporter.NONE);
    }

    private List<String> archived() throws Exception {
        List<String> out = new ArrayList<>();
        for (ArchiveTarget t : targets) {
            Path root = ((PosixTarget) t).root();
            if (Files.exists(root)) {
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString()));
                }
            }
        }
        return out;
    }

    @Test
    void shouldReportAndSkipLinksAndFifosInsideASeriesWithoutCopyingWhatTheyPointAt() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "bt", "s1", 2, 10_000, 1);
        Path dir = beamline.resolve("bt/s1");
        Files.createSymbolicLink(dir.resolve("s1_data_000003.h5"), secret);
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/etc"), Path.of("/etc"));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("pipe").toString()).start();
        assertEquals(0, mkfifo.waitFor());

        MigrationReport r = migrate();
        assertFalse(r.ok(), "skipped entries are problems to report");
        assertTrue(r.errors().isEmpty(), r.errors().toString());
        assertEquals(3, r.skipped().size(), r.skipped().toString());
        assertTrue(r.skipped().stream().anyMatch(l -> l.startsWith("bt/s1/s1_data_000003.h5: symbolic link to " + secret)),
                r.skipped().toString());
        assertTrue(r.skipped().stream().anyMatch(l -> l.startsWith("bt/s1/sub/etc: symbolic link")), r.skipped().toString());
        assertTrue(r.skipped().stream().anyMatch(l -> l.startsWith("bt/s1/pipe: special file")), r.skipped().toString());
        assertEquals(files.size() * 2, r.copiesVerified(), "the regular files are archived");
        assertEquals(files.size() * 2, archived().size(), archived().toString());
        assertTrue(archived().stream().noneMatch(p -> p.contains("000003") || p.contains("etc") || p.contains("pipe")));
        assertTrue(catalog.file("bt/s1/s1_data_000003.h5").isEmpty());
    }

    @Test
    void shouldNotArchiveASeriesDirectoryOrMasterFileThatIsALink() throws Exception {
        SeriesFixture.write(tmp.resolve("elsewhere"), "bt", "s2", 1, 1000, 2);
        Files.createDirectories(beamline.resolve("bt"));
        Files.createSymbolicLink(beamline.resolve("bt/s2"), tmp.resolve("elsewhere/bt/s2"));
        Path s3 = Files.createDirectories(beamline.resolve("bt/s3"));
        Files.write(s3.resolve("s3_data_000001.h5"), new byte[100]);
        Files.createSymbolicLink(s3.resolve("s3_master.h5"), secret);

        MigrationReport r = migrate();
        assertEquals(0, r.seriesClosed(), "s2 is a link, s3's master is a link: neither is a closed series");
        assertTrue(r.skipped().stream().anyMatch(l -> l.startsWith("bt/s2: symbolic link")), r.skipped().toString());
        assertTrue(archived().isEmpty(), archived().toString());
    }

    @Test
    void shouldRefuseToPurgeThroughASeriesDirectoryReplacedByALink() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "bt", "s4", 2, 10_000, 4);
        assertTrue(migrate().ok());
        // someone moves the series away and puts a link to an identical copy elsewhere in its place
        Path outside = tmp.resolve("outside/s4");
        Files.createDirectories(outside.getParent());
        Files.move(beamline.resolve("bt/s4"), outside);
        Files.createSymbolicLink(beamline.resolve("bt/s4"), outside);

        PurgeReport p = new ArchivePurger(catalog, targets, new ArchivePolicy(2, 0), beamline,
                new MutableClock(Instant.EPOCH.plusSeconds(10)), true).purge(null, false);
        assertEquals(0, p.filesPurged());
        assertEquals(0, p.filesAlreadyGone(), "a link in the way is not taken for a purged file");
        assertEquals(files.size() - 1, p.refused(), p.refusals().toString());
        for (Path f : files) {
            assertTrue(Files.exists(outside.resolve(f.getFileName())), "nothing outside the series is deleted: " + f);
        }
        assertTrue(Files.isSymbolicLink(beamline.resolve("bt/s4")));
        assertTrue(catalog.files(null).stream().noneMatch(f -> f.purged()));
    }
}
