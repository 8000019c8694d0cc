package io.beamflow.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root from tests (Surefire passes {@code beamflow.repo.root}). */
public final class RepoPaths {
    private RepoPaths() {
    }

    /** @return the repository root */
    public static Path root() {
        String prop = System.getProperty("beamflow.repo.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "config"))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("config"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("repository root not found");
        }
        return p;
    }
}
