package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.archive.catalog.CatalogSeriesFile;
import io.beamflow.archive.catalog.CopyState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The series catalog: a committed series is one row with its files however often it is recorded (a replayed
 * commit), keeps when it was first recorded, is listed by beamtime and found by key or id, and its files carry the
 * archive's copies.
 */
class SeriesCatalogTest {
    @TempDir
    Path tmp;

    /** Records series {@code id} under {@code key} with {@code dataFiles} data files and a master. */
    static boolean record(ArchiveCatalog c, String key, String id, int dataFiles) {
        List<CatalogSeriesFile> files = new ArrayList<>();
        for (int i = 1; i <= dataFiles; i++) {
            files.add(new CatalogSeriesFile(key + "/" + id + "_data_00000" + i + ".h5", key, 1000L * i,
                    String.format("%08x", 0x10000 + i), List.of()));
        }
        files.add(new CatalogSeriesFile(key + "/" + id + "_master.h5", key, 77, "0badcafe", List.of()));
        long size = files.stream().mapToLong(CatalogSeriesFile::sizeBytes).sum();
        return c.recordSeries(new CatalogSeries(key, CatalogSeries.beamtimeOf(key), id, "2026-11-26T08:00:00Z",
                "2026-11-26T08:01:00Z", "1024x1024 uint16", "ok", 10, 6, 2, 1, 1, 0,
                Map.of("KEEP hits@v3", 6L, "VETO dark@v3", 1L), size, files.size(), 0, 0), files);
    }

    @Test
    void shouldRecordACommittedSeriesOnceWhenItsCommitIsReplayed() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), clock)) {
            exerciseSeries(c, clock);
        }
    }

    /** Also run on PostgreSQL. */
    static void exerciseSeries(ArchiveCatalog c, MutableClock clock) {
        String key = "2026/data/11012345/raw/scan1";
        assertTrue(record(c, key, "scan1", 2), "new");
        long first = clock.millis();
        clock.advance(java.time.Duration.ofMinutes(5));
        assertFalse(record(c, key, "scan1", 2), "a replayed commit records the same series again");
        assertEquals(1, c.series("11012345").size());
        CatalogSeries s = c.seriesRecord("scan1").orElseThrow();
        assertEquals(key, s.key());
        assertEquals("11012345", s.beamtime());
        assertEquals(first, s.committedMs(), "first recording kept");
        assertEquals(clock.millis(), s.recordedMs());
        assertEquals(Map.of("KEEP hits@v3", 6L, "VETO dark@v3", 1L), s.ruleVersions());
        assertEquals(6, s.framesKept());
        assertEquals(3, c.seriesFiles(key).size(), "files once");
        assertEquals(3, s.fileCount());

        c.recordCopy(key + "/scan1_master.h5", "file:///pool", CopyState.VERIFIED, "readback:o_direct", null);
        CatalogSeriesFile master = c.seriesFiles(key).stream().filter(f -> f.path().endsWith("_master.h5"))
                .findFirst().orElseThrow();
        assertEquals("0badcafe", master.adler32());
        assertEquals(List.of("file:///pool"), master.copies().stream().map(x -> x.target()).toList());

        record(c, "commissioning/scan1", "scan1", 1);
        assertEquals(1, c.series("commissioning").size(), "legacy layout: the beamtime is the first segment");
        ArchiveException twice = assertThrows(ArchiveException.class, () -> c.seriesRecord("scan1"));
        assertTrue(twice.getMessage().contains("give the series key"), twice.getMessage());
        assertEquals(key, c.seriesRecord(key).orElseThrow().key());
        assertEquals(2, c.series(null).size());
    }
}
