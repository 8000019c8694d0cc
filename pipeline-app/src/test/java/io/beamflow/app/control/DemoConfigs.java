package io.beamflow.app.control;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.testing.RepoPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shipped demo configuration, moved into a test's directory with system-chosen ports and a smaller, paced series. */
final class DemoConfigs {
    private DemoConfigs() {
    }

    static BeamflowConfig paced(Path work, String token, String seriesId, int frames, int size, double rateHz)
            throws Exception {
        BeamflowConfig config = BeamflowConfig.load(RepoPaths.root().resolve("config/demo.yaml"));
        config.ingest.journalDirectory = work.resolve("journal").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.sink.outputRoot = work.resolve("raw").toString();
        config.control.ruleStoreDirectory = work.resolve("rule-store").toString();
        config.control.operatorToken = token;
        config.control.httpPort = 0; // the system chooses; DemoRunner.controlUrl() says which
        // the live view binds a port the system chooses; the dashboard and tests in this JVM find it
        // (LiveViewEndpoints)
        config.control.liveViewEndpoint = "tcp://127.0.0.1:*";
        // the node binds a port the system chooses; the demo's simulator sends to it
        config.ingest.endpoints = List.of("tcp://127.0.0.1:*");
        config.simulator.endpoint = "tcp://127.0.0.1:*";
        config.simulator.seriesId = seriesId;
        config.simulator.frames = frames;
        config.simulator.width = size;
        config.simulator.height = size;
        config.simulator.rateHz = rateHz;
        // geometry of the simulated detector at this size: beam centre (size/2 + 3.5, size/2 - 2.5) px,
        // 75 um pixels; the shipped ROIs and PONI are for 1024x1024 frames
        double cx = size / 2.0 + 3.5;
        double cy = size / 2.0 - 2.5;
        Path poni = Files.writeString(work.resolve("detector.poni"), String.join("\n", "poni_version: 2",
                "Detector_config: {\"pixel1\": 7.5e-05, \"pixel2\": 7.5e-05, \"max_shape\": [" + size + ", " + size + "]}",
                "Distance: 0.1", "Poni1: " + cy * 75e-6, "Poni2: " + cx * 75e-6, "Rot1: 0", "Rot2: 0", "Rot3: 0",
                "Wavelength: 1e-10", ""));
        config.reduction.integration.poniFile = poni.toString();
        config.reduction.integration.bins = 200;
        config.reduction.peaks.enabled = true;
        config.reduction.peaks.beamCenterX = cx;
        config.reduction.peaks.beamCenterY = cy;
        config.reduction.rois.clear();
        return config;
    }
}
