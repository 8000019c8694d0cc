package io.beamflow.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Decides whether a series directory on the beamline filesystem is committed and closed, i.e. safe to
 * archive. This is the contract with the HDF5 sink, which writes files under temporary names and renames
 * them when committed:
 * <ul>
 *   <li>the directory {@code <beamtime>/<seriesId>/} (not a symbolic link) contains
 *       {@code <seriesId>_master.h5} as a regular file (not a symbolic link) under its final name, and</li>
 *   <li>no temporary file remains anywhere below it: no name starting with {@code .}, or ending in
 *       {@code .tmp} or {@code .inprogress}.</li>
 * </ul>
 * Keep this class aligned with the sink's naming if that changes.
 */
public final class ClosedSeriesPredicate implements Predicate<Path> {
    /** Suffix of the master file after the series id. */
    public static final String MASTER_SUFFIX = "_master.h5";

    /**
     * @param fileName a file name (no directory)
     * @return true when the name is one the sink uses for a file still being written
     */
    public static boolean isTemporaryName(String fileName) {
        return fileName.startsWith(".") || fileName.endsWith(".tmp") || fileName.endsWith(".inprogress");
    }

    /**
     * @param seriesDir a series directory
     * @return the master file the directory must contain
     */
    public static Path masterFile(Path seriesDir) {
        return seriesDir.resolve(seriesDir.getFileName().toString() + MASTER_SUFFIX);
    }

    @Override
    public boolean test(Path seriesDir) {
        // no link is followed: a master file that is a symbolic link does not close a series
        if (!Files.isDirectory(seriesDir, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(masterFile(seriesDir), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(seriesDir)) {
            return files.skip(1).noneMatch(p -> isTemporaryName(p.getFileName().toString()));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
