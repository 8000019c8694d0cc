package io.beamflow.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File-tree helpers shared by the application, benchmarks and tests. */
public final class FileTrees {
    private FileTrees() {
    }

    /**
     * Deletes a file or a directory with everything below it; does nothing when it does not exist.
     *
     * @param root file or directory
     * @throws IOException when something cannot be deleted
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
