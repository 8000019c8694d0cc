package io.beamflow.app.catalog;

import io.beamflow.archive.catalog.ArchiveCatalog;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds committed series under the beamline root that the catalog lacks: those committed while the catalog was
 * unreachable and still pending when their process ended. Used by {@code beamflow catalog sync} and by every
 * committer's recorder when it starts, so a killed pipeline's pending series are recorded at its next start.
 */
public final class CatalogSync {
    private CatalogSync() {
    }

    /**
     * @param root     the beamline root
     * @param problems told about directories that cannot be read
     * @return committed masters ({@code <series>_master.h5}, regular files, links not followed) under {@code root},
     * sorted
     * @throws IOException when the walk fails at its root
     */
    public static List<Path> committedMasters(Path root, Consumer<String> problems) throws IOException {
        List<Path> masters = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return masters;
        }
        // links are not followed: a series is what the sink wrote under the root; in-progress files start with '.'
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                if (attrs.isRegularFile() && name.endsWith("_master.h5") && !name.startsWith(".")) {
                    masters.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                problems.accept("cannot read " + file + ": " + e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        masters.sort(null);
        return masters;
    }

    /**
     * @param root   the beamline root
     * @param master a master under it
     * @return the master's catalog key: its series directory relative to the root
     */
    public static String key(Path root, Path master) {
        return root.toAbsolutePath().normalize().relativize(master.toAbsolutePath().normalize().getParent())
                .toString().replace('\\', '/');
    }

    /**
     * @param catalog  the catalog
     * @param root     the beamline root
     * @param problems told about directories that cannot be read
     * @return committed masters under {@code root} that the catalog has no record of, sorted
     * @throws IOException when the walk fails at its root
     */
    public static List<Path> missing(ArchiveCatalog catalog, Path root, Consumer<String> problems) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path m : committedMasters(root, problems)) {
            if (catalog.seriesRecord(key(root, m)).isEmpty()) {
                missing.add(m);
            }
        }
        return missing;
    }
}
