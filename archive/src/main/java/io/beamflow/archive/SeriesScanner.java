package io.beamflow.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the closed series under the beamline root using a {@link ClosedSeriesPredicate}, in both layouts the sink
 * writes: {@code <root>/<beamtime>/<seriesId>/} (key {@code <beamtime>/<seriesId>}) and ASAP3's
 * {@code <root>/<year>/data/<beamtime-id>/raw/<seriesId>/} (key {@code <year>/data/<beamtime-id>/raw/<seriesId>};
 * a top-level directory of four digits holding {@code data/}). Symbolic links are never followed: they, and other non-regular files, are
 * reported and skipped.
 */
public final class SeriesScanner {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesScanner.class);

    private static final java.util.regex.Pattern YEAR = java.util.regex.Pattern.compile("[0-9]{4}");
    private static final String RAW = "raw";

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
        return closedSeries(selection, line -> LOG.warn("archive scan: {}", line));
    }

    /**
     * Lists closed series, sorted by key. Nothing is followed through a symbolic link: a beamtime or series
     * directory that is a link, and a link or other non-regular file inside a series, are reported to
     * {@code skipped} and left out (so whoever can write a series directory cannot pull other files into the
     * archive).
     *
     * @param selection null for all, or a series key / id (see {@link ArchiveSeries#matches})
     * @param skipped   told each entry left out, with the reason
     * @return closed series, each with its regular files only
     * @throws IOException when the root cannot be listed
     */
    public List<ArchiveSeries> closedSeries(String selection, Consumer<String> skipped) throws IOException {
        List<ArchiveSeries> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            throw new IOException("beamline root is not a directory: " + root);
        }
        for (Path top : list(root)) {
            String topName = name(top);
            if (ClosedSeriesPredicate.isTemporaryName(topName) || !isDirectory(top, topName, skipped)) {
                continue;
            }
            Path data = top.resolve("data");
            if (YEAR.matcher(topName).matches() && isDirectory(data, topName + "/data", skipped)) {
                // ASAP3: <year>/data/<beamtime>/raw/<series>/
                for (Path beamtime : list(data)) {
                    String bt = topName + "/data/" + name(beamtime);
                    if (!ClosedSeriesPredicate.isTemporaryName(name(beamtime)) && isDirectory(beamtime, bt, skipped)
                            && isDirectory(beamtime.resolve(RAW), bt + "/" + RAW, skipped)) {
                        scan(beamtime.resolve(RAW), bt + "/" + RAW, selection, skipped, out);
                    }
                }
            } else {
                scan(top, topName, selection, skipped, out);
            }
        }
        return out;
    }

    /** Adds the closed series directly under {@code parent} (keys {@code <prefix>/<series>}). */
    private void scan(Path parent, String prefix, String selection, Consumer<String> skipped, List<ArchiveSeries> out)
            throws IOException {
        for (Path dir : list(parent)) {
            String key = prefix + "/" + name(dir);
            if (!ArchiveSeries.matches(key, selection) || !isDirectory(dir, key, skipped)) {
                continue;
            }
            if (!closed.test(dir)) {
                LOG.debug("series {} is not closed yet", key);
                continue;
            }
            try {
                out.add(new ArchiveSeries(key, dir, files(dir, skipped)));
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("cannot list series {}: {}", key, e.toString());
            }
        }
    }

    /** @return true for a real directory; a link (to a directory or not) is reported */
    private static boolean isDirectory(Path p, String rel, Consumer<String> skipped) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
        if (a.isSymbolicLink()) {
            skipped.accept(rel + ": symbolic link to " + target(p) + "; not followed, not archived");
            return false;
        }
        return a.isDirectory();
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private List<SeriesFile> files(Path dir, Consumer<String> skipped) throws IOException {
        Path master = ClosedSeriesPredicate.masterFile(dir);
        List<SeriesFile> files = new ArrayList<>();
        // Files.walk does not follow links; attributes are read without following them either
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String rel = root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                if (a.isRegularFile()) {
                    files.add(new SeriesFile(rel, p, a.size(), a.lastModifiedTime().toMillis()));
                } else if (a.isSymbolicLink()) {
                    skipped.accept(rel + ": symbolic link to " + target(p) + "; not followed, not archived");
                } else if (!a.isDirectory()) {
                    skipped.accept(rel + ": " + ArchiveMigrator.kind(a) + ", not a regular file; not archived");
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
