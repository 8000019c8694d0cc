package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJarsTest {
    @TempDir
    Path lib;

    @Test
    void shouldShipEveryExistingJarButFlinksOwnAndSkipDirectories() throws Exception {
        Path reducers = Files.createFile(lib.resolve("reducers-0.1.0.jar"));
        Path chronicle = Files.createFile(lib.resolve("chronicle-queue-2026.4.jar"));
        Files.createFile(lib.resolve("flink-runtime-2.3.0.jar"));
        Files.createFile(lib.resolve("flink-shaded-guava-33.5.0-jre-21.0.jar"));
        Path classes = Files.createDirectories(lib.resolve("classes"));
        String cp = String.join(File.pathSeparator, reducers.toString(), lib.resolve("flink-runtime-2.3.0.jar").toString(),
                classes.toString(), lib.resolve("missing-1.0.jar").toString(), "", chronicle.toString(),
                lib.resolve("flink-shaded-guava-33.5.0-jre-21.0.jar").toString());

        assertEquals(List.of(reducers, chronicle), JobJars.shippable(cp));
    }
}
