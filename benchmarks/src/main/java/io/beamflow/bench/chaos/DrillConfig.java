package io.beamflow.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the beamline configuration every process of the drill reads. */
final class DrillConfig {
    private DrillConfig() {
    }

    /**
     * @param s the drill
     * @param jobJars jars the pipeline ships to a Flink cluster (empty in embedded mode)
     * @return the configuration file
     * @throws IOException when it cannot be written
     */
    static Path write(DrillSettings s, List<Path> jobJars) throws IOException {
        Path w = s.work();
        StringBuilder yaml = new StringBuilder(String.join("\n",
                "ingest:",
                "  endpoints: [\"tcp://127.0.0.1:*\"]", // the first node binds a port the system chooses
                "  journalDirectory: " + w.resolve("journal"),
                "reduction:",
                "  parallelism: 2",
                "  checkpointIntervalMs: 500",
                "  checkpointDirectory: " + w.resolve("checkpoints"),
                "  rulesDirectory: " + w.resolve("rules"),
                "  rois:",
                "    - {name: centre, x: " + s.width() / 4 + ", y: " + s.height() / 4 + ", width: " + s.width() / 2
                        + ", height: " + s.height() / 2 + "}",
                "sink:",
                "  outputRoot: " + w.resolve("raw"),
                "  beamtime: bt",
                "  framesPerFile: " + s.framesPerFile(),
                "  compression: bslz4",
                "control:",
                "  liveViewEndpoint: \"\"",
                "  ruleStoreDirectory: " + w.resolve("rule-store"),
                "archive:",
                "  catalogUrl: jdbc:sqlite:" + w.resolve("archive-catalog.db"),
                "  targets: [" + w.resolve("archive/copy-1") + ", " + w.resolve("archive/copy-2") + "]",
                "  requiredCopies: 2",
                "  parallelFiles: 2",
                ""));
        String text = yaml.toString();
        if (!jobJars.isEmpty()) {
            StringBuilder jars = new StringBuilder("reduction:\n  jobJars:\n");
            for (Path j : jobJars) {
                jars.append("    - ").append(j).append('\n');
            }
            text = text.replace("reduction:\n", jars);
        }
        return Files.writeString(w.resolve("beamline.yaml"), text);
    }
}
