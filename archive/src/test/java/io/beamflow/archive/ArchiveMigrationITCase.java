package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.PurgeReport;
import io.beamflow.archive.report.RestoreReport;
import io.beamflow.archive.report.VerifyReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import io.beamflow.archive.target.VerifyOutcome;
import io.beamflow.archive.target.WebDavTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Migration of multi-file series to a POSIX target and a WebDAV target (real Apache httpd + mod_dav on loopback). */
class ArchiveMigrationITCase {
    private static final int DATA_FILES = 4;
    private static final int FILE_BYTES = 3 * 1024 * 1024 + 17;

    static ApacheDavServer dav;

    @TempDir
    Path tmp;
    Path beamline;
    PosixTarget posix;
    WebDavTarget webdav;
    Path davDir;
    ArchiveCatalog catalog;
    MutableClock clock;

    @BeforeAll
    static void startDav() throws Exception {
        dav = ApacheDavServer.start();
    }

    @AfterAll
    static void stopDav() {
        if (dav != null) {
            dav.close();
        }
    }

    @BeforeEach
    void setUp(TestInfo info) {
        String name = info.getTestMethod().orElseThrow().getName();
        beamline = tmp.resolve("beamline");
        posix = new PosixTarget(tmp.resolve("pnfs/archive"));
        webdav = new WebDavTarget(dav.url("archive/" + name), 10_000, null);
        davDir = dav.dataDir().resolve("archive").resolve(name);
        clock = new MutableClock(Instant.parse("2026-03-01T08:00:00Z"));
        catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("catalog/archive.db"), clock);
    }

    @AfterEach
    void tearDown() {
        catalog.close();
    }

    private List<ArchiveTarget> targets() {
        return List.of(posix, webdav);
    }

    /** Two files in parallel, so the targets and the catalog are also exercised concurrently. */
    private MigrationReport migrate() throws IOException {
        return new ArchiveMigrator(new SeriesScanner(beamline), catalog, targets(), Throttle.NONE, 2)
                .migrate(null, ProgressReporter.NONE);
    }

    private ArchivePurger purger(int retentionDays) {
        return new ArchivePurger(catalog, targets(), new ArchivePolicy(2, retentionDays), beamline, clock, true);
    }

    private static Map<String, byte[]> contents(List<Path> files) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Path f : files) {
            out.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        return out;
    }

    private static List<Path> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void shouldMigrateSeriesToPosixAndWebDavThenVerifyAndPurgeAfterRetention() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "p1234", "s0001", DATA_FILES, FILE_BYTES, 1);
        Map<String, byte[]> original = contents(files);

        MigrationReport m = migrate();
        assertTrue(m.ok(), m.errors().toString());
        assertEquals(1, m.seriesClosed());
        assertEquals(files.size() * 2, m.copiesWritten());
        long sourceBytes = files.stream().mapToLong(f -> f.toFile().length()).sum();
        assertEquals(sourceBytes, m.bytesRead(), "each source file read once for both targets");
        assertEquals(2 * sourceBytes, m.bytesWritten());
        assertEquals(files.size() * 2, m.copiesVerified());
        assertArrayEquals(new long[] {files.size(), files.size() * 2L}, catalog.rowCounts());
        for (Map.Entry<String, byte[]> e : original.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(posix.root().resolve("p1234/s0001").resolve(e.getKey())), e.getKey());
            assertArrayEquals(e.getValue(), Files.readAllBytes(davDir.resolve("p1234/s0001").resolve(e.getKey())), e.getKey());
        }
        assertEquals(files.size(), tree(posix.root()).size(), "no temporary files left on the POSIX target");
        assertEquals(files.size(), tree(davDir).size(), "no temporary files left on the WebDAV target");
        for (Path f : files) {
            String rel = beamline.relativize(f).toString();
            CatalogFile cf = catalog.file(rel).orElseThrow();
            assertEquals(ChecksumAccumulator.of(f, ChecksumAlgorithms.ADLER32), cf.checksums(), "ADLER32 only by default");
            assertTrue(catalog.copies(rel).stream().allMatch(CatalogCopy::verified));
            assertTrue(catalog.copies(rel).stream().anyMatch(c -> c.method().equals(VerifyOutcome.METHOD_HTTP)
                    && c.target().startsWith("http://")), "Apache offers no Digest: WebDAV copies are read back");
        }

        MigrationReport again = migrate();
        assertEquals(0, again.copiesWritten());
        assertEquals(files.size(), again.filesUpToDate());
        assertArrayEquals(new long[] {files.size(), files.size() * 2L}, catalog.rowCounts());

        VerifyReport v = new ArchiveVerifier(catalog, targets()).verify(null, ProgressReporter.NONE);
        assertTrue(v.ok(), v.problems().toString());
        assertEquals(files.size() * 2, v.copiesVerified());

        PurgeReport early = purger(180).purge(null, false);
        assertEquals(files.size(), early.keptRetention());
        assertEquals(0, early.filesPurged());
        assertTrue(files.stream().allMatch(Files::exists));

        clock.advance(Duration.ofDays(181));
        PurgeReport dry = purger(180).purge(null, true);
        assertEquals(files.size(), dry.filesPurged());
        assertTrue(files.stream().allMatch(Files::exists), "a dry run deletes nothing");

        PurgeReport purge = purger(180).purge(null, false);
        assertEquals(files.size(), purge.filesPurged(), purge.refusals().toString());
        assertTrue(files.stream().noneMatch(Files::exists));
        assertFalse(Files.exists(beamline.resolve("p1234/s0001")), "empty series directory removed");
        assertTrue(catalog.files(null).stream().allMatch(CatalogFile::purged));
        assertEquals(0, migrate().copiesWritten());
    }

    @Test
    void shouldReportCorruptCopyInVerifyAndRefusePurge() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "p1234", "s0002", DATA_FILES, FILE_BYTES, 2);
        assertTrue(migrate().ok());
        String d1 = "p1234/s0002/s0002_data_000001.h5";
        String d2 = "p1234/s0002/s0002_data_000002.h5";
        String d3 = "p1234/s0002/s0002_data_000003.h5";
        SeriesFixture.corrupt(posix.fileOf(d1));
        SeriesFixture.corrupt(davDir.resolve(d2));

        VerifyReport v = new ArchiveVerifier(catalog, targets()).verify("s0002", ProgressReporter.NONE);
        assertFalse(v.ok());
        assertEquals(2, v.copiesCorrupt(), v.problems().toString());
        assertEquals(files.size() * 2 - 2, v.copiesVerified());
        assertTrue(v.problems().stream().anyMatch(p -> p.startsWith(d1) && p.contains("CORRUPT")), v.problems().toString());
        assertTrue(v.problems().stream().anyMatch(p -> p.startsWith(d2) && p.contains(webdav.uri())), v.problems().toString());
        assertEquals(CopyState.CORRUPT, catalog.copies(d1).stream().filter(c -> c.target().equals(posix.uri()))
                .findFirst().orElseThrow().state());

        // a copy corrupted after the last verify is caught by the re-verification before deletion
        SeriesFixture.corrupt(posix.fileOf(d3));
        PurgeReport p = purger(0).purge(null, false);
        assertEquals(2, p.keptPolicyNotMet(), "d1, d2 lack 2 verified copies");
        assertEquals(1, p.keptMasterLast(), "the master waits for the rest of its series");
        assertEquals(1, p.refused(), p.refusals().toString());
        assertTrue(p.refusals().get(0).startsWith(d3), p.refusals().toString());
        assertEquals(1, p.filesPurged(), "only data file 4 had two good copies");
        assertTrue(Files.exists(beamline.resolve(d1)) && Files.exists(beamline.resolve(d2)) && Files.exists(beamline.resolve(d3)));
        assertTrue(Files.exists(ClosedSeriesPredicate.masterFile(beamline.resolve("p1234/s0002"))));

        // the next migration pass repairs the bad copies, after which the purge completes
        MigrationReport repair = migrate();
        assertTrue(repair.ok(), repair.errors().toString());
        assertEquals(3, repair.copiesWritten());
        PurgeReport p2 = purger(0).purge(null, false);
        assertEquals(files.size() - 1, p2.filesPurged(), p2.refusals().toString());
        assertTrue(files.stream().noneMatch(Files::exists));
    }

    @Test
    void shouldRefusePurgeWhenSourceChangedAfterArchiving() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "p1234", "s0003", 2, FILE_BYTES, 3);
        assertTrue(migrate().ok());
        SeriesFixture.corrupt(files.get(0));
        PurgeReport p = purger(0).purge(null, false);
        assertEquals(1, p.refused(), p.refusals().toString());
        assertTrue(p.refusals().get(0).contains("differ from the catalog"), p.refusals().get(0));
        assertTrue(Files.exists(files.get(0)));
        MigrationReport m = migrate();
        assertEquals(0, m.copiesWritten(), "archived copies are not overwritten by changed bytes");
    }

    @Test
    void shouldRestoreSeriesFromArchiveAndFallBackWhenFirstCopyIsCorrupt() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "p1234", "s0004", DATA_FILES, FILE_BYTES, 4);
        Map<String, byte[]> original = contents(files);
        assertTrue(migrate().ok());
        assertEquals(files.size(), purger(0).purge(null, false).filesPurged());
        String d2 = "p1234/s0004/s0004_data_000002.h5";
        SeriesFixture.corrupt(posix.fileOf(d2));

        Path dest = tmp.resolve("restored");
        RestoreReport r = new ArchiveRestorer(catalog, targets(), Throttle.NONE).restore("s0004", dest, ProgressReporter.NONE);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(files.size(), r.filesRestored());
        assertEquals("p1234/s0004", r.series());
        List<Path> restored = tree(dest);
        assertEquals(original.size(), restored.size(), restored.toString());
        for (Map.Entry<String, byte[]> e : original.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(dest.resolve(e.getKey())), e.getKey());
        }
        assertEquals(CopyState.CORRUPT, catalog.copies(d2).stream().filter(c -> c.target().equals(posix.uri()))
                .findFirst().orElseThrow().state(), "the corrupt copy met during restore is recorded");

        RestoreReport again = new ArchiveRestorer(catalog, targets(), Throttle.NONE).restore("p1234/s0004", dest, ProgressReporter.NONE);
        assertEquals(files.size(), again.filesAlreadyPresent());

        Path edited = dest.resolve("s0004_data_000001.h5");
        Files.write(edited, new byte[] {1, 2, 3});
        RestoreReport refused = new ArchiveRestorer(catalog, targets(), Throttle.NONE).restore("s0004", dest, ProgressReporter.NONE);
        assertEquals(1, refused.errors().size(), "a different file in the destination is not replaced silently");
        assertEquals(3, Files.size(edited));
        RestoreReport forced = new ArchiveRestorer(catalog, targets(), Throttle.NONE, true).restore("s0004", dest, ProgressReporter.NONE);
        assertTrue(forced.ok(), forced.errors().toString());
        assertArrayEquals(original.get("s0004_data_000001.h5"), Files.readAllBytes(edited));
    }

    @Test
    void shouldArchiveEmptyAndNestedFilesOnBothTargets() throws Exception {
        List<Path> files = new ArrayList<>(SeriesFixture.write(beamline, "p1234", "s0007", 1, 1000, 7));
        files.add(Files.write(beamline.resolve("p1234/s0007/s0007_empty.h5"), new byte[0]));
        files.add(Files.write(Files.createDirectories(beamline.resolve("p1234/s0007/processed")).resolve("s0007 pf.h5"),
                new byte[] {9, 8, 7}));
        MigrationReport m = migrate();
        assertTrue(m.ok(), m.errors().toString());
        assertEquals(files.size() * 2, m.copiesVerified());
        for (Path f : files) {
            String rel = beamline.relativize(f).toString();
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(davDir.resolve(rel)), rel);
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(posix.fileOf(rel)), rel);
        }
        Path dest = tmp.resolve("back");
        assertEquals(files.size(), purger(0).purge(null, false).filesPurged());
        assertTrue(new ArchiveRestorer(catalog, targets(), Throttle.NONE).restore("s0007", dest, ProgressReporter.NONE).ok());
        assertEquals(0, Files.size(dest.resolve("s0007_empty.h5")));
        assertArrayEquals(new byte[] {9, 8, 7}, Files.readAllBytes(dest.resolve("processed/s0007 pf.h5")));
    }

    @Test
    void shouldNotArchiveSeriesThatIsStillBeingWritten() throws Exception {
        SeriesFixture.write(beamline, "p1234", "s0005", 1, 1000, 5);
        Path open = beamline.resolve("p1234/s0005/s0005_data_000002.h5.inprogress");
        Files.write(open, new byte[10]);
        MigrationReport m = migrate();
        assertEquals(0, m.seriesClosed());
        assertArrayEquals(new long[] {0, 0}, catalog.rowCounts());
        Files.delete(open);
        assertEquals(1, migrate().seriesClosed());
    }

    @Test
    void shouldKeepPosixCopyAndReportErrorWhenWebDavTargetIsDown() throws Exception {
        List<Path> files = SeriesFixture.write(beamline, "p1234", "s0006", 2, 100_000, 6);
        // A port this test holds without listening: connections to it are refused, and nobody else can take it.
        MigrationReport m;
        WebDavTarget down;
        try (Socket dead = new Socket()) {
            dead.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            down = new WebDavTarget(URI.create("http://127.0.0.1:" + dead.getLocalPort() + "/archive"), 2_000, null);
            m = new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.of(posix, down), Throttle.NONE)
                    .migrate(null, ProgressReporter.NONE);
        }
        assertFalse(m.ok());
        assertEquals(files.size(), m.errors().size(), m.errors().toString());
        assertTrue(m.errors().get(0).contains(down.uri()) && m.errors().get(0).contains("ConnectException"), m.errors().get(0));
        List<CatalogCopy> all = new ArrayList<>();
        files.forEach(f -> all.addAll(catalog.copies(beamline.relativize(f).toString())));
        assertEquals(files.size(), all.stream().filter(c -> c.target().equals(posix.uri()) && c.verified()).count());
        assertEquals(files.size(), all.stream().filter(c -> c.target().equals(down.uri()) && c.state() == CopyState.FAILED).count());
        PurgeReport p = new ArchivePurger(catalog, List.of(posix, down), new ArchivePolicy(2, 0), beamline, clock, true)
                .purge(null, false);
        assertEquals(0, p.filesPurged());
        assertTrue(files.stream().allMatch(Files::exists));
    }
}
