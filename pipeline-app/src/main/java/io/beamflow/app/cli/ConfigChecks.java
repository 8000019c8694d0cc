package io.beamflow.app.cli;

import io.beamflow.core.config.BeamflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of a loaded configuration that commands make before they start anything. */
final class ConfigChecks {
    private ConfigChecks() {
    }

    /**
     * @param command    the command's name, for the message
     * @param c          the configuration
     * @param configFile where it came from ({@code null}: built-in defaults)
     * @return whether the geometry file (if any) is readable; if not, the reason was printed on stderr
     */
    static boolean geometryReadable(String command, BeamflowConfig c, Path configFile) {
        String poni = c.reduction.integration.poniFile;
        if (poni.isEmpty() || Files.isReadable(Path.of(poni))) {
            return true;
        }
        System.err.printf("beamflow %s: geometry file %s not found (paths in %s are relative to the working "
                + "directory: run from the repository root, or set reduction.integration.poniFile)%n", command, poni,
                configFile == null ? "the configuration" : configFile);
        return false;
    }
}
