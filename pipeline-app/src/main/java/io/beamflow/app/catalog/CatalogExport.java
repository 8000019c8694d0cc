package io.beamflow.app.catalog;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.archive.catalog.CatalogSeriesFile;
import io.beamflow.core.beamtime.Beamtime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Exports catalog series for a facility catalog as SciCat-style records: one {@code RawDataset} per series (pid,
 * owner, ownerGroup, accessGroups, principalInvestigator, creationTime, sourceFolder, size, numberOfFiles, type
 * {@code raw}, datasetName, proposalId, dataFormat, scientificMetadata, ...) and one {@code OrigDatablock} per
 * series with its files, sizes and ADLER32 checksums.
 *
 * <p>Data protection: nothing is published. Every dataset says {@code isPublished: false}. A non-commercial
 * beamtime's datasets carry {@code embargoEnd}: the beamtime's embargo end, or its end plus
 * {@code archive.embargoYears}. A commercial beamtime's datasets are proprietary: left out unless asked for
 * ({@code includeCommercial}), and then exported with {@code embargoEnd: null} (never released),
 * {@code classification "CO=high"} and a proprietary licence. A series whose beamtime is unknown (no record in the
 * beamtime store: nobody to own it) is left out. Every series left out is listed with the reason.
 *
 * @param root              the beamline root (sourceFolder is under it)
 * @param includeCommercial whether commercial beamtimes' datasets are exported
 * @param embargoYears      default embargo after a beamtime's end
 */
public record CatalogExport(Path root, boolean includeCommercial, int embargoYears) {
    /** The data format written into each dataset. */
    static final String DATA_FORMAT = "NeXus/HDF5 NXmx";

    /**
     * @param catalog   the catalog
     * @param beamtime  a beamtime id; empty for every series
     * @param beamtimes beamtime records by id
     * @return {@code {datasets: [...], origDatablocks: [...], skipped: [{series, reason}]}}
     */
    public Map<String, Object> export(ArchiveCatalog catalog, String beamtime,
            Function<String, Optional<Beamtime>> beamtimes) {
        List<Map<String, Object>> datasets = new ArrayList<>();
        List<Map<String, Object>> blocks = new ArrayList<>();
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (CatalogSeries s : catalog.series(beamtime)) {
            Optional<Beamtime> bt = beamtimes.apply(s.beamtime());
            String reason = bt.isEmpty() ? "no beamtime record '" + s.beamtime() + "': nobody to own it"
                    : bt.get().commercial() && !includeCommercial
                            ? "commercial beamtime " + s.beamtime() + " (proprietary; export with --include-commercial)"
                            : null;
            if (reason != null) {
                Map<String, Object> sk = new LinkedHashMap<>();
                sk.put("series", s.key());
                sk.put("reason", reason);
                skipped.add(sk);
                continue;
            }
            List<CatalogSeriesFile> files = catalog.seriesFiles(s.key());
            String pid = pid(s.key());
            datasets.add(dataset(pid, s, bt.get()));
            blocks.add(datablock(pid, s, bt.get(), files));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("datasets", datasets);
        out.put("origDatablocks", blocks);
        out.put("skipped", skipped);
        return out;
    }

    /** @return a pid that stays the same for a series at every export (a re-export updates, never duplicates) */
    static String pid(String key) {
        return UUID.nameUUIDFromBytes(("beamflow-series:" + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** @return the embargo end of a beamtime's data: null for commercial ones (never released) */
    String embargoEnd(Beamtime b) {
        if (b.commercial()) {
            return null;
        }
        if (!b.embargoEnd().isEmpty()) {
            return b.embargoEnd();
        }
        LocalDate end = Instant.parse(b.end()).atZone(ZoneOffset.UTC).toLocalDate();
        return end.plusYears(embargoYears).toString();
    }

    private Map<String, Object> dataset(String pid, CatalogSeries s, Beamtime b) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("pid", pid);
        d.put("type", "raw");
        d.put("datasetName", s.seriesId());
        d.put("owner", b.pi());
        d.put("ownerGroup", b.group());
        d.put("accessGroups", List.of(b.group()));
        d.put("principalInvestigator", b.pi());
        d.put("contactEmail", "");
        d.put("creationTime", creationTime(s));
        d.put("startTime", s.startTime());
        d.put("endTime", s.endTime());
        d.put("creationLocation", "/" + b.facility() + "/" + b.beamline());
        d.put("proposalId", b.proposal());
        d.put("sourceFolder", root.toAbsolutePath().normalize().resolve(s.key()).toString());
        d.put("size", s.sizeBytes());
        d.put("numberOfFiles", s.fileCount());
        d.put("dataFormat", DATA_FORMAT);
        d.put("isPublished", false);
        d.put("embargoEnd", embargoEnd(b));
        if (b.commercial()) {
            d.put("classification", "CO=high");
            d.put("license", "proprietary (commercial beamtime)");
        }
        d.put("keywords", List.of(b.id(), b.beamline()));
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("beamtimeId", b.id());
        sm.put("seriesKey", s.key());
        sm.put("detector", s.detector());
        sm.put("status", s.status());
        sm.put("frames", SeriesCatalogJson.frames(s));
        sm.put("ruleVersions", new java.util.TreeMap<>(s.ruleVersions()));
        sm.put("commercial", b.commercial());
        d.put("scientificMetadata", sm);
        return d;
    }

    private Map<String, Object> datablock(String pid, CatalogSeries s, Beamtime b, List<CatalogSeriesFile> files) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("datasetId", pid);
        o.put("size", s.sizeBytes());
        o.put("chkAlg", "adler32");
        o.put("ownerGroup", b.group());
        o.put("accessGroups", List.of(b.group()));
        List<Map<String, Object>> list = new ArrayList<>();
        String time = creationTime(s);
        String prefix = s.key() + "/";
        for (CatalogSeriesFile f : files) {
            Map<String, Object> fm = new LinkedHashMap<>();
            // relative to the dataset's sourceFolder
            fm.put("path", f.path().startsWith(prefix) ? f.path().substring(prefix.length()) : f.path());
            fm.put("size", f.sizeBytes());
            fm.put("time", time);
            fm.put("chk", f.adler32());
            list.add(fm);
        }
        o.put("dataFileList", list);
        return o;
    }

    /** The dataset became complete on disk when its master was committed (first recorded). */
    private static String creationTime(CatalogSeries s) {
        return Instant.ofEpochMilli(s.committedMs()).toString();
    }
}
