package io.beamflow.app.catalog;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.ChecksumAlgorithms;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.archive.catalog.CatalogSeriesFile;
import io.beamflow.sink.hdf5.SeriesSummary;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a series' catalog record from its committed files, as they are on disk: the accounting from the master
 * file ({@link SeriesSummary}) and, for the master and every committed data file of the series, its size and
 * ADLER32, computed here, once, after the commit (the HDF5 writer rewrites headers and truncates files on a
 * restore, so a checksum kept while writing would not be the file's). Everything derives from committed files, so
 * recording a series again gives the same record.
 */
public final class SeriesCatalogRecorder {
    private static final Pattern DATA_FILE = Pattern.compile("_data_[0-9]{6}\\.h5");

    private SeriesCatalogRecorder() {
    }

    /**
     * A series record and its files.
     *
     * @param series the series
     * @param files  its files
     */
    public record Entry(CatalogSeries series, List<CatalogSeriesFile> files) {
    }

    /**
     * @param root   the beamline root (paths in the catalog are relative to it, as the archive's)
     * @param master a committed {@code <series>_master.h5} under {@code root}
     * @return the record
     * @throws IOException when the master is not a readable Beamflow master, lies outside the root, or a file cannot
     *                     be read
     */
    public static Entry read(Path root, Path master) throws IOException {
        Path absRoot = root.toAbsolutePath().normalize();
        Path absMaster = master.toAbsolutePath().normalize();
        Path dir = absMaster.getParent();
        if (dir == null || !dir.startsWith(absRoot) || dir.equals(absRoot)) {
            throw new IOException("series " + absMaster + " is not under the beamline root " + absRoot);
        }
        String name = absMaster.getFileName().toString();
        if (!name.endsWith("_master.h5")) {
            throw new IOException("not a master file: " + absMaster);
        }
        if (!Files.isRegularFile(absMaster, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a regular file: " + absMaster);
        }
        String prefix = name.substring(0, name.length() - "_master.h5".length());
        SeriesSummary s = SeriesSummary.read(absMaster);
        String key = absRoot.relativize(dir).toString().replace('\\', '/');
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                // committed data files of this series (never in-progress ones: those start with '.'), links excluded
                if (n.startsWith(prefix) && DATA_FILE.matcher(n.substring(prefix.length())).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    paths.add(p);
                }
            }
        }
        paths.sort(null);
        paths.add(absMaster);
        List<CatalogSeriesFile> files = new ArrayList<>();
        long total = 0;
        for (Path p : paths) {
            long size = Files.size(p);
            String adler = ChecksumAccumulator.of(p, ChecksumAlgorithms.ADLER32).adler32();
            files.add(new CatalogSeriesFile(key + "/" + p.getFileName(), key, size, adler, List.of()));
            total += size;
        }
        Map<String, Long> rules = new TreeMap<>(s.decisionsByRule());
        CatalogSeries series = new CatalogSeries(key, CatalogSeries.beamtimeOf(key), s.seriesId().trim(),
                s.startTime().trim(), s.endTime().trim(), s.detector(), s.status(), s.framesReceived(),
                s.framesStored(), s.framesReducedOnly(), s.framesVetoed(), s.framesRejected(), s.framesMissing(),
                rules, total, files.size(), 0, 0);
        return new Entry(series, files);
    }

    /**
     * Reads a committed series and records it (idempotent).
     *
     * @param catalog the catalog
     * @param root    the beamline root
     * @param master  its master file
     * @return whether the series was new to the catalog
     * @throws IOException when its files cannot be read
     */
    public static boolean record(ArchiveCatalog catalog, Path root, Path master) throws IOException {
        Entry e = read(root, master);
        return catalog.recordSeries(e.series(), e.files());
    }
}
