package io.beamflow.app.cli;

import io.beamflow.app.demo.DemoReport;
import io.beamflow.app.demo.DemoRunner;
import io.beamflow.core.config.BeamflowConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code beamflow demo}: the whole pipeline in one JVM on a simulated series. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline on one simulated series in one JVM and prints a summary.",
            "Starts an ingest node, the reduction job on an embedded Flink MiniCluster, the HDF5 sink, the",
            "control server with the dashboard, and a simulated detector."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, description = "configuration file (default: config/demo.yaml if present)")
    Path config;

    @Option(names = "--frames", description = "frames to send (default: from the configuration)")
    Integer frames;

    @Option(names = "--series", description = "series id (default: demo-<date>-<time>)")
    String seriesId;

    @Option(names = "--rate", description = "frames per second, 0 for as fast as possible (default: from the configuration)")
    Double rateHz;

    @Option(names = "--http-port", description = "control server port, 0 for any free port (default: from the configuration)")
    Integer httpPort;

    @Option(names = "--no-server", description = "do not start the control server and dashboard")
    boolean noServer;

    @Option(names = "--keep-running", description = {"after the series, keep the job, ingest node and dashboard",
        "running (start more series from the dashboard or control API) until Ctrl-C"})
    boolean keepRunning;

    @Option(names = "--timeout-s", description = "how long the job may run after the last frame was sent (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 600;

    @Override
    public Integer call() throws Exception {
        Path file = config;
        if (file == null && Files.exists(Path.of("config/demo.yaml"))) {
            file = Path.of("config/demo.yaml");
        }
        BeamflowConfig c = file == null ? new BeamflowConfig() : BeamflowConfig.load(file);
        if (frames != null) {
            c.simulator.frames = frames;
        }
        if (rateHz != null) {
            c.simulator.rateHz = rateHz;
        }
        if (httpPort != null) {
            c.control.httpPort = httpPort;
        }
        StartupChecks checks = new StartupChecks(file, httpPort == null ? Map.of()
                : Map.of("control.httpPort", "--http-port"));
        checks.ingest(c);
        checks.pipeline(c, !noServer);
        c.simulator.seriesId = seriesId != null ? seriesId
                : "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        System.out.printf("Beamflow demo: %d frames of %dx%d uint16 (configuration: %s)%n", c.simulator.frames,
                c.simulator.width, c.simulator.height, file == null ? "built-in defaults" : file);
        DemoRunner runner = new DemoRunner(c, !noServer);
        DemoReport report;
        if (keepRunning) {
            report = runner.run(Duration.ofSeconds(timeoutSeconds), r -> {
                System.out.print(r.format());
                System.out.println("Still running: the dashboard and control API stay up; press Ctrl-C to stop.");
                awaitShutdown();
            });
        } else {
            report = runner.run(Duration.ofSeconds(timeoutSeconds));
            System.out.print(report.format());
        }
        boolean complete = report.outcome().framesReceived() == report.sent().frames()
                && report.outcome().framesMissing() == 0;
        if (!complete) {
            System.out.println("WARNING: not every frame sent reached the files; see the accounting above");
        }
        return complete ? 0 : 1;
    }

    private static void awaitShutdown() {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "demo-shutdown"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
