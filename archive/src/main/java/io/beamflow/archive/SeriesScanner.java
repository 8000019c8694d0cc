package io.beamflow.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the closed series under the beamline root ({@code <root>/<beamtime>/<seriesId>/}) using a
 * {@link ClosedSeriesPredicate}.
 */
public final class SeriesScanner {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesScanner.class);

    private final Path root;
    private final ClosedSeriesPredicate closed = new ClosedSeriesPredicate();

    /** @param root the beamline root (the sink's output root) */
    public SeriesScanner(Path root) {
        this.root = root;
    }

    /** @return the beamline root */
    public Path root() {
        return root;
    }

    /**
     * Lists closed series, sorted by key; open series and unreadable directories are skipped (logged).
     *
     * @param selection null for all, or a series key / id (see {@link ArchiveSeries#matches})
     * @return closed series
     * @throws IOException when the root cannot be listed
     */
    public List<ArchiveSeries> closedSeries(String selection) throws IOException {
        List<ArchiveSeries> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            throw new IOException("beamline root is not a directory: " + root);
        }
        for (Path beamtime : list(root)) {
            if (!Files.isDirectory(beamtime) || ClosedSeriesPredicate.isTemporaryName(name(beamtime))) {
                continue;
            }
            for (Path dir : list(beamtime)) {
                String key = name(beamtime) + "/" + name(dir);
                if (!Files.isDirectory(dir) || !ArchiveSeries.matches(key, selection)) {
                    continue;
                }
                if (!closed.test(dir)) {
                    LOG.debug("series {} is not closed yet", key);
                    continue;
                }
                try {
                    out.add(new ArchiveSeries(key, dir, files(dir)));
                } catch (IOException e) {
                    LOG.warn("cannot list series {}: {}", key, e.toString());
                }
            }
        }
        return out;
    }

    private List<SeriesFile> files(Path dir) throws IOException {
        Path master = ClosedSeriesPredicate.masterFile(dir);
        List<SeriesFile> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    String rel = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                    files.add(new SeriesFile(rel, p, a.size(), a.lastModifiedTime().toMillis()));
                }
            }
        }
        files.sort(Comparator.comparing((SeriesFile f) -> f.source().equals(master)).thenComparing(SeriesFile::relPath));
        return files;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}
