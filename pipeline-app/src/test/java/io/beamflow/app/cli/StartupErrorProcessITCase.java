package io.beamflow.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code beamflow} process with a bad configuration value exits with status 2 and prints one line
 * naming the file, line and key, and nothing else (no stack trace).
 */
@Timeout(180)
class StartupErrorProcessITCase {
    @TempDir
    Path dir;

    @Test
    void shouldExitWithStatusTwoAndOneLineForAnUnknownProtocol() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "ingest:\n  endpoints: [\"tcp://127.0.0.1:*\"]\n  protocol: nativ\n"
                + "  journalDirectory: " + dir.resolve("journal") + "\n");
        try (ChildJvm cli = ChildJvm.builder(BeamflowCli.class.getName()).args("ingest", "--config", config.toString())
                .output(dir.resolve("out.txt")).start()) {
            assertEquals(2, cli.awaitExit(120), cli.output());
            List<String> lines = cli.outputLines().stream().filter(l -> !l.isBlank()).toList();
            assertEquals(List.of("beamflow ingest: " + config + ":3: ingest.protocol is 'nativ'; allowed: native, "
                    + "dectris-stream-v1, dectris-stream-v2"), lines, cli.output());
            assertTrue(Files.notExists(dir.resolve("journal")), "nothing was started");
        }
    }
}
