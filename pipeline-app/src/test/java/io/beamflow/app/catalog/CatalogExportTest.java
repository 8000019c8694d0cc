package io.beamflow.app.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.archive.catalog.CatalogSeriesFile;
import io.beamflow.core.beamtime.Beamtime;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facility-catalog export: a beamtime's own embargo end wins over the default, a series without a beamtime
 * record is left out with the reason, commercial series only on request, and a series keeps its pid across exports.
 */
class CatalogExportTest {
    @TempDir
    Path tmp;

    private static void record(ArchiveCatalog c, String key) {
        String id = key.substring(key.lastIndexOf('/') + 1);
        List<CatalogSeriesFile> files = List.of(new CatalogSeriesFile(key + "/" + id + "_master.h5", key, 10,
                "00010001", List.of()));
        c.recordSeries(new CatalogSeries(key, CatalogSeries.beamtimeOf(key), id, "2026-11-26T08:00:00Z",
                "2026-11-26T08:01:00Z", "det", "ok", 1, 1, 0, 0, 0, 0, Map.of(), 10, 1, 0, 0), files);
    }

    private static Beamtime beamtime(String id, boolean commercial, String embargoEnd) {
        return new Beamtime(id, "p11", "PETRA III", "P-" + id, "alice", List.of("bob"), "bt" + id,
                "2026-11-25T08:00:00Z", "2026-11-28T08:00:00Z", commercial, embargoEnd, "");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldKeepEmbargoesAndLeaveOutWhatHasNoOwnerOrIsCommercial() {
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), Clock.systemUTC())) {
            record(c, "2026/data/11000001/raw/a");
            record(c, "2026/data/11000002/raw/b");
            record(c, "2026/data/11000003/raw/c");
            record(c, "commissioning/d");
            Map<String, Beamtime> bts = Map.of("11000001", beamtime("11000001", false, "2030-01-31"),
                    "11000002", beamtime("11000002", false, ""), "11000003", beamtime("11000003", true, "2027-01-01"));
            CatalogExport export = new CatalogExport(tmp.resolve("root"), false, 5);
            Map<String, Object> doc = export.export(c, "", id -> Optional.ofNullable(bts.get(id)));
            List<Map<String, Object>> ds = (List<Map<String, Object>>) doc.get("datasets");
            assertEquals(List.of("a", "b"), ds.stream().map(d -> d.get("datasetName")).toList());
            assertEquals("2030-01-31", ds.get(0).get("embargoEnd"), "the beamtime's own embargo end");
            assertEquals("2031-11-28", ds.get(1).get("embargoEnd"), "its end + embargoYears");
            assertTrue(ds.stream().allMatch(d -> Boolean.FALSE.equals(d.get("isPublished"))));
            assertEquals(List.of("bt11000001"), ds.get(0).get("accessGroups"));
            List<Map<String, Object>> skipped = (List<Map<String, Object>>) doc.get("skipped");
            assertEquals(List.of("2026/data/11000003/raw/c", "commissioning/d"),
                    skipped.stream().map(s -> s.get("series")).toList());
            assertTrue(skipped.get(1).get("reason").toString().contains("no beamtime record"));

            Map<String, Object> all = new CatalogExport(tmp.resolve("root"), true, 5)
                    .export(c, "11000003", id -> Optional.ofNullable(bts.get(id)));
            Map<String, Object> proprietary = ((List<Map<String, Object>>) all.get("datasets")).get(0);
            assertEquals(null, proprietary.get("embargoEnd"), "commercial: never released, whatever embargo it names");
            assertEquals("CO=high", proprietary.get("classification"));
            Map<String, Object> again = export.export(c, "11000001", id -> Optional.ofNullable(bts.get(id)));
            assertEquals(ds.get(0).get("pid"), ((List<Map<String, Object>>) again.get("datasets")).get(0).get("pid"),
                    "a re-export names the same dataset");
        }
    }
}
