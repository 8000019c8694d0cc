package io.beamflow.app.cli;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.SimulatorConfig;
import io.beamflow.ingest.sim.DetectorSimulator;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code beamflow simulate}: pushes a simulated series to one or more ingest endpoints. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Send a simulated detector series (native protocol, ZeroMQ PUSH) to ingest endpoints.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Configuration file; its 'simulator' section gives the defaults.")
    Path config;

    @Option(names = "--endpoint", split = ",",
            description = "Endpoint(s) to connect to; module m goes to endpoint m %% count (default: simulator.endpoint).")
    List<String> endpoints;

    @Option(names = "--series", description = "Series id.")
    String seriesId;

    @Option(names = "--frames", description = "Number of frames.")
    Integer frames;

    @Option(names = "--width", description = "Frame width in pixels.")
    Integer width;

    @Option(names = "--height", description = "Frame height in pixels.")
    Integer height;

    @Option(names = "--rate", description = "Frames per second (0: as fast as possible).")
    Double rateHz;

    @Option(names = "--hit-fraction", description = "Fraction of frames with Bragg-like spots.")
    Double hitFraction;

    @Option(names = "--modules", description = "Number of detector modules (row bands, one part each).")
    Integer modules;

    @Option(names = "--seed", description = "Random seed.")
    Long seed;

    @Override
    public Integer call() {
        SimulatorConfig c = config == null ? new SimulatorConfig() : BeamflowConfig.load(config).simulator;
        List<String> eps = endpoints != null ? endpoints : List.of(c.endpoint);
        DetectorSimulator.Settings s = new DetectorSimulator.Settings(eps, seriesId != null ? seriesId : c.seriesId,
                frames != null ? frames : c.frames, width != null ? width : c.width, height != null ? height : c.height,
                rateHz != null ? rateHz : c.rateHz, hitFraction != null ? hitFraction : c.hitFraction,
                modules != null ? modules : c.modules, seed != null ? seed : c.seed);
        System.out.printf(Locale.ROOT, "simulating series %s: %d frames of %dx%d uint16, %d module(s), %s -> %s%n",
                s.seriesId(), s.frames(), s.width(), s.height(), s.modules(),
                s.rateHz() > 0 ? s.rateHz() + " Hz" : "max rate", s.endpoints());
        try (DetectorSimulator sim = new DetectorSimulator(s)) {
            DetectorSimulator.Result r = sim.run();
            System.out.printf(Locale.ROOT, "sent %d frames (%d hits), %.1f MiB in %.2f s (%.1f frames/s)%n",
                    r.frames(), r.hits(), r.bytes() / 1048576.0, r.elapsedNs() / 1e9, r.framesPerSecond());
        }
        return 0;
    }
}
