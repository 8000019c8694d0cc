package io.beamflow.app.catalog;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.archive.catalog.CatalogSeriesFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON view of catalog series, as {@code GET /api/beamtimes/{id}/series} and {@code beamflow catalog show}
 * give it: the series' fields, its frame accounting, rule versions and files with size, ADLER32 and archive copies.
 */
public final class SeriesCatalogJson {
    private SeriesCatalogJson() {
    }

    /**
     * @param catalog  the catalog
     * @param beamtime a beamtime id; empty for all
     * @return its series, each with its files
     */
    public static List<Map<String, Object>> seriesOf(ArchiveCatalog catalog, String beamtime) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CatalogSeries s : catalog.series(beamtime)) {
            out.add(series(s, catalog.seriesFiles(s.key())));
        }
        return out;
    }

    /**
     * @param s     a series
     * @param files its files
     * @return its JSON object
     */
    public static Map<String, Object> series(CatalogSeries s, List<CatalogSeriesFile> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", s.key());
        m.put("beamtime", s.beamtime());
        m.put("seriesId", s.seriesId());
        m.put("startTime", s.startTime());
        m.put("endTime", s.endTime());
        m.put("detector", s.detector());
        m.put("status", s.status());
        m.put("frames", frames(s));
        m.put("ruleVersions", new java.util.TreeMap<>(s.ruleVersions()));
        m.put("sizeBytes", s.sizeBytes());
        m.put("fileCount", s.fileCount());
        m.put("committedAt", Instant.ofEpochMilli(s.committedMs()).toString());
        m.put("recordedAt", Instant.ofEpochMilli(s.recordedMs()).toString());
        List<Map<String, Object>> fl = new ArrayList<>();
        for (CatalogSeriesFile f : files) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("path", f.path());
            fm.put("sizeBytes", f.sizeBytes());
            fm.put("adler32", f.adler32());
            List<Map<String, Object>> copies = new ArrayList<>();
            for (CatalogCopy c : f.copies()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("target", c.target());
                cm.put("state", c.state().name());
                cm.put("verifyMethod", c.method());
                cm.put("firstVerifiedAt", c.firstVerifiedMs() == null ? null
                        : Instant.ofEpochMilli(c.firstVerifiedMs()).toString());
                copies.add(cm);
            }
            fm.put("copies", copies);
            fl.add(fm);
        }
        m.put("files", fl);
        return m;
    }

    /**
     * @param s a series
     * @return its frame accounting: received, kept, reduced only, vetoed, rejected, missing
     */
    public static Map<String, Object> frames(CatalogSeries s) {
        Map<String, Object> frames = new LinkedHashMap<>();
        frames.put("received", s.framesReceived());
        frames.put("kept", s.framesKept());
        frames.put("reducedOnly", s.framesReducedOnly());
        frames.put("vetoed", s.framesVetoed());
        frames.put("rejected", s.framesRejected());
        frames.put("missing", s.framesMissing());
        return frames;
    }
}
