package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.PurgeReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalog upserts on SQLite, and the migrator's adoption of a complete copy left by an interrupted pass. */
class ArchiveCatalogTest {
    private static final FileChecksums SUMS = new FileChecksums("024d0127",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    @TempDir
    Path tmp;

    @Test
    void shouldUpsertCopiesAndKeepRetentionClockAcrossReverification() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("sub/dir/cat.db"), clock)) {
            exerciseUpserts(c, clock, tmp);
        }
    }

    /** The catalog contract, run on SQLite here and on PostgreSQL by {@link PostgresCatalogITCase}. */
    static void exerciseUpserts(ArchiveCatalog c, MutableClock clock, Path tmp) {
        SeriesFile f = new SeriesFile("bt/s1/s1_master.h5", tmp.resolve("x"), 3, 42);
        CatalogFile first = c.registerFile(f, SUMS);
        assertEquals(SUMS, first.checksums());
        assertEquals("bt/s1", first.series());
        FileChecksums other = new FileChecksums("00000001", SUMS.sha256());
        assertEquals(SUMS, c.registerFile(f, other).checksums(), "the first registration wins");

        c.recordCopy(f.relPath(), "file:///a", CopyState.VERIFIED, "readback", null);
        long t0 = clock.millis();
        clock.advance(Duration.ofDays(3));
        c.recordCopy(f.relPath(), "file:///a", CopyState.VERIFIED, "readback", null);
        assertArrayEquals(new long[] {1, 1}, c.rowCounts());
        CatalogCopy copy = c.copies(f.relPath()).get(0);
        assertEquals(t0, copy.firstVerifiedMs(), "re-verification keeps the retention clock");
        assertEquals(clock.millis(), copy.lastCheckedMs());

        c.recordCopy(f.relPath(), "file:///a", CopyState.CORRUPT, "readback", "adler32 differs");
        copy = c.copies(f.relPath()).get(0);
        assertEquals(CopyState.CORRUPT, copy.state());
        assertNull(copy.firstVerifiedMs());
        c.recordCopy(f.relPath(), "file:///a", CopyState.VERIFIED, "readback", null);
        assertEquals(clock.millis(), c.copies(f.relPath()).get(0).firstVerifiedMs(), "a repaired copy restarts it");

        c.markPurged(f.relPath());
        assertTrue(c.file(f.relPath()).orElseThrow().purged());
        assertEquals(1, c.files("s1").size());
        assertEquals(0, c.files("s2").size());
    }

    @Test
    void shouldRefuseSecondMigrationWhileAnotherHoldsTheCatalogLock() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("locked.db");
        try (ArchiveCatalog a = ArchiveCatalog.open(url, new MutableClock(Instant.EPOCH));
             ArchiveCatalog b = ArchiveCatalog.open(url, new MutableClock(Instant.EPOCH))) {
            assertLockIsExclusive(a, b, tmp);
        }
    }

    /** Shared with {@link PostgresCatalogITCase}: a second pass on the same catalog is refused with a clear error. */
    static void assertLockIsExclusive(ArchiveCatalog a, ArchiveCatalog b, Path tmp) throws Exception {
        Path beamline = tmp.resolve("locked-beamline");
        SeriesFixture.write(beamline, "bt", "s1", 1, 1000, 1);
        ArchiveMigrator second = new ArchiveMigrator(new SeriesScanner(beamline), b,
                List.of(new PosixTarget(tmp.resolve("locked-target"))), Throttle.NONE);
        ArchiveCatalog.PassLock held = a.lockPass();
        try {
            ArchiveException e = org.junit.jupiter.api.Assertions.assertThrows(ArchiveException.class,
                    () -> second.migrate(null, ProgressReporter.NONE));
            assertTrue(e.getMessage().contains("another archive migration or purge is running"), e.getMessage());
        } finally {
            held.close();
        }
        assertTrue(second.migrate(null, ProgressReporter.NONE).ok(), "runs once the lock is released");
    }

    @Test
    void shouldFinishPurgeInterruptedBetweenDeleteAndCatalogUpdate() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s2", 2, 10_000, 3);
        List<ArchiveTarget> targets = List.of(new PosixTarget(tmp.resolve("a")), new PosixTarget(tmp.resolve("b")));
        MutableClock clock = new MutableClock(Instant.EPOCH);
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("p.db"), clock)) {
            assertTrue(new ArchiveMigrator(new SeriesScanner(beamline), c, targets, Throttle.NONE).migrate(null, ProgressReporter.NONE).ok());
            Files.delete(files.get(0)); // as if a purge had deleted it and was killed before recording it
            PurgeReport p = new ArchivePurger(c, targets, new ArchivePolicy(2, 0), beamline, clock, true).purge(null, false);
            assertEquals(1, p.filesAlreadyGone());
            assertEquals(files.size() - 1, p.filesPurged());
            assertTrue(c.files(null).stream().allMatch(CatalogFile::purged));
        }
    }

    @Test
    void shouldPurgeOneBeamtimeOfTheAsap3LayoutWithItsMasterLast() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> mine = SeriesFixture.write(beamline, "2026/data/11012345/raw", "scan1", 2, 10_000, 5);
        List<Path> theirs = SeriesFixture.write(beamline, "2026/data/11012346/raw", "scan1", 1, 10_000, 6);
        List<ArchiveTarget> targets = List.of(new PosixTarget(tmp.resolve("a")), new PosixTarget(tmp.resolve("b")));
        MutableClock clock = new MutableClock(Instant.EPOCH);
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("p.db"), clock)) {
            assertTrue(new ArchiveMigrator(new SeriesScanner(beamline), c, targets, Throttle.NONE)
                    .migrate(null, ProgressReporter.NONE).ok());
            assertEquals("2026/data/11012345/raw/scan1", c.files("11012345").get(0).series());
            SeriesFixture.corrupt(mine.get(0)); // changed since archived: kept, so the master must stay too
            PurgeReport p = new ArchivePurger(c, targets, new ArchivePolicy(2, 0), beamline, clock, true)
                    .purge("11012345", false);
            assertEquals(1, p.filesPurged(), p + " " + p.refusals());
            assertEquals(1, p.keptMasterLast(), p.toString());
            assertTrue(Files.exists(mine.get(mine.size() - 1)), "master kept while a data file remains");
            for (Path f : theirs) {
                assertTrue(Files.exists(f), "another beamtime's file untouched: " + f);
            }
        }
    }

    @Test
    void shouldKeepABeamtimesFilesForItsOwnRetention() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> kept = SeriesFixture.write(beamline, "2026/data/11012345/raw", "scan1", 1, 10_000, 7);
        List<Path> purged = SeriesFixture.write(beamline, "2026/data/11012346/raw", "scan1", 1, 10_000, 8);
        io.beamflow.core.beamtime.BeamtimeStore store = new io.beamflow.core.beamtime.BeamtimeStore(
                tmp.resolve("beamtimes.jsonl"));
        assertEquals(List.of(), store.open(new io.beamflow.core.beamtime.Beamtime("11012345", "p11", "PETRA III", "",
                "alice", List.of(), "bt1", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", true, "", "", 30)));
        assertEquals(List.of(), store.open(new io.beamflow.core.beamtime.Beamtime("11012346", "p12", "PETRA III", "",
                "alice", List.of(), "bt2", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", false, "", "")));
        List<ArchiveTarget> targets = List.of(new PosixTarget(tmp.resolve("a")), new PosixTarget(tmp.resolve("b")));
        MutableClock clock = new MutableClock(Instant.EPOCH);
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("p.db"), clock)) {
            assertTrue(new ArchiveMigrator(new SeriesScanner(beamline), c, targets, Throttle.NONE)
                    .migrate(null, ProgressReporter.NONE).ok());
            clock.advance(Duration.ofDays(2));
            ArchivePolicy defaults = new ArchivePolicy(2, 1);
            PurgeReport p = new ArchivePurger(c, targets, defaults, new BeamtimeRetention(store, defaults), beamline,
                    clock, true).purge(null, false);
            assertEquals(purged.size(), p.filesPurged(), p + " " + p.refusals());
            assertEquals(kept.size(), p.keptRetention(), p.toString());
            for (Path f : kept) {
                assertTrue(Files.exists(f), "within its beamtime's 30 days: " + f);
            }
            clock.advance(Duration.ofDays(29));
            assertEquals(kept.size(), new ArchivePurger(c, targets, defaults, new BeamtimeRetention(store, defaults),
                    beamline, clock, true).purge("11012345", false).filesPurged());
        }
    }

    @Test
    void shouldMarkFilesPurgedWhenTheWholeSeriesDirectoryIsAlreadyGone() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s3", 2, 10_000, 4);
        List<ArchiveTarget> targets = List.of(new PosixTarget(tmp.resolve("a")), new PosixTarget(tmp.resolve("b")));
        MutableClock clock = new MutableClock(Instant.EPOCH);
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("p.db"), clock)) {
            assertTrue(new ArchiveMigrator(new SeriesScanner(beamline), c, targets, Throttle.NONE).migrate(null, ProgressReporter.NONE).ok());
            for (Path f : files) {
                Files.delete(f);
            }
            Files.delete(beamline.resolve("bt/s3")); // removed by hand after archiving
            PurgeReport p = new ArchivePurger(c, targets, new ArchivePolicy(2, 0), beamline, clock, true).purge(null, false);
            assertEquals(files.size(), p.filesAlreadyGone(), p.refusals().toString());
            assertEquals(0, p.refused());
            assertTrue(c.files(null).stream().allMatch(CatalogFile::purged));
        }
    }

    @Test
    void shouldAdoptCompleteCopyLeftUnderFinalNameByInterruptedPass() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s1", 2, 200_000, 9);
        PosixTarget a = new PosixTarget(tmp.resolve("a"));
        PosixTarget b = new PosixTarget(tmp.resolve("b"));
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("cat.db"), new MutableClock(Instant.EPOCH))) {
            assertTrue(new ArchiveMigrator(new SeriesScanner(beamline), c, List.of(a), Throttle.NONE)
                    .migrate(null, ProgressReporter.NONE).ok());
            // as if a pass had renamed the copies on b and was killed before recording them
            for (Path f : files) {
                Path dest = b.fileOf(beamline.relativize(f).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(f, dest);
            }
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), c, List.of(a, b), Throttle.NONE)
                    .migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(0, r.copiesWritten());
            assertEquals(files.size(), r.copiesAdoptedAfterCrash());
            assertArrayEquals(new long[] {files.size(), 2L * files.size()}, c.rowCounts());
        }
    }
}
