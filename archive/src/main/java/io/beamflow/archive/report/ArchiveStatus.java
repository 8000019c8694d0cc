package io.beamflow.archive.report;

import io.beamflow.archive.ArchivePolicy;
import io.beamflow.archive.ArchiveSeries;
import io.beamflow.archive.SeriesFile;
import io.beamflow.archive.SeriesScanner;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.target.ArchiveTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Summarises the catalog per series for {@code beamflow archive status}, including closed series not yet archived. */
public final class ArchiveStatus {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final ArchiveCatalog catalog;
    private final List<ArchiveTarget> targets;
    private final ArchivePolicy policy;
    private final SeriesScanner scanner;

    /**
     * @param catalog the catalog
     * @param targets configured targets (columns of the table)
     * @param policy  the policy
     * @param scanner beamline scanner, or null to report catalogued series only
     */
    public ArchiveStatus(ArchiveCatalog catalog, List<ArchiveTarget> targets, ArchivePolicy policy, SeriesScanner scanner) {
        this.catalog = catalog;
        this.targets = List.copyOf(targets);
        this.policy = policy;
        this.scanner = scanner;
    }

    /**
     * @param selection null for all, or a series key / id
     * @return one status per series, sorted by key
     * @throws IOException when the beamline root cannot be listed
     */
    public List<SeriesStatus> series(String selection) throws IOException {
        Map<String, List<CatalogFile>> bySeries = new TreeMap<>();
        for (CatalogFile f : catalog.files(selection)) {
            bySeries.computeIfAbsent(f.series(), k -> new ArrayList<>()).add(f);
        }
        Map<String, ArchiveSeries> onDisk = new TreeMap<>();
        if (scanner != null && Files.isDirectory(scanner.root())) {
            for (ArchiveSeries s : scanner.closedSeries(selection)) {
                onDisk.put(s.key(), s);
                bySeries.computeIfAbsent(s.key(), k -> new ArrayList<>());
            }
        }
        Map<String, List<CatalogCopy>> copies = catalog.copiesBySeries(selection);
        List<SeriesStatus> out = new ArrayList<>();
        for (Map.Entry<String, List<CatalogFile>> e : bySeries.entrySet()) {
            List<CatalogFile> files = e.getValue();
            Map<String, Integer> verified = new LinkedHashMap<>();
            targets.forEach(t -> verified.put(t.uri(), 0));
            int bad = 0;
            int met = 0;
            int purged = 0;
            long bytes = 0;
            Long purgeable = null;
            boolean allMet = !files.isEmpty();
            for (CatalogFile f : files) {
                bytes += f.sizeBytes();
                purged += f.purged() ? 1 : 0;
                List<CatalogCopy> cs = copies.getOrDefault(f.path(), List.of());
                for (CatalogCopy c : cs) {
                    if (c.verified()) {
                        verified.merge(c.target(), 1, Integer::sum);
                    } else {
                        bad++;
                    }
                }
                Optional<Long> from = policy.purgeableFrom(cs);
                if (from.isPresent()) {
                    met++;
                    purgeable = purgeable == null ? from.get() : Math.max(purgeable, from.get());
                } else {
                    allMet = false;
                }
            }
            int notArchived = 0;
            ArchiveSeries disk = onDisk.get(e.getKey());
            if (disk != null) {
                Set<String> known = new HashSet<>();
                files.forEach(f -> known.add(f.path()));
                for (SeriesFile sf : disk.files()) {
                    if (!known.contains(sf.relPath())) {
                        notArchived++;
                        bytes += sf.sizeBytes();
                    }
                }
            }
            out.add(new SeriesStatus(e.getKey(), files.size() + notArchived, bytes, verified, bad, met, purged,
                    allMet && notArchived == 0 ? purgeable : null, notArchived));
        }
        return out;
    }

    /**
     * @param rows statuses
     * @return a text table for the terminal
     */
    public String format(List<SeriesStatus> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("policy: ").append(policy.requiredCopies()).append(" verified copies, retention ")
                .append(policy.retentionDays()).append(" days\n");
        for (int i = 0; i < targets.size(); i++) {
            sb.append("target ").append(i + 1).append(": ").append(targets.get(i).uri()).append('\n');
        }
        sb.append(String.format("%-40s %6s %10s", "SERIES", "FILES", "SIZE"));
        for (int i = 0; i < targets.size(); i++) {
            sb.append(String.format(" %8s", "T" + (i + 1) + "-OK"));
        }
        sb.append(String.format(" %5s %6s %6s %7s  %s%n", "BAD", "POLICY", "PURGED", "PENDING", "PURGEABLE FROM"));
        for (SeriesStatus s : rows) {
            sb.append(String.format("%-40s %6d %10s", s.series(), s.files(), ProgressSnapshot.bytes(s.sizeBytes())));
            for (ArchiveTarget t : targets) {
                sb.append(String.format(" %8d", s.verifiedByTarget().getOrDefault(t.uri(), 0)));
            }
            sb.append(String.format(" %5d %6d %6d %7d  %s%n", s.badCopies(), s.policyMetFiles(), s.purgedFiles(),
                    s.onDiskNotArchived(), s.purgeableFromMs() == null ? "-" : DATE.format(Instant.ofEpochMilli(s.purgeableFromMs()))));
        }
        return sb.toString();
    }
}
