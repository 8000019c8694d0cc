package io.beamflow.app.control;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.testing.RepoPaths;
import java.nio.file.Path;
import java.util.List;

/** The shipped demo configuration, moved into a test's directory with free ports and a smaller, paced series. */
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
        config.control.httpPort = DashboardBrowserTest.freePort();
        config.control.liveViewEndpoint = "tcp://127.0.0.1:" + DashboardBrowserTest.freePort();
        int ingestPort = DashboardBrowserTest.freePort();
        config.ingest.endpoints = List.of("tcp://127.0.0.1:" + ingestPort);
        config.simulator.endpoint = "tcp://127.0.0.1:" + ingestPort;
        config.simulator.seriesId = seriesId;
        config.simulator.frames = frames;
        config.simulator.width = size;
        config.simulator.height = size;
        config.simulator.rateHz = rateHz;
        return config;
    }
}
