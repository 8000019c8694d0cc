package io.beamflow.app.cli;

import io.beamflow.app.pipeline.PipelineRunner;
import io.beamflow.core.config.BeamflowConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code beamflow pipeline}: the reduction job, HDF5 sink, live view and control server until stopped. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Runs the reduction job (an embedded Flink MiniCluster, or a Flink session cluster with "
            + "--flink), the HDF5 sink, the live view and the control server with the dashboard, on the journals of "
            + "ingest nodes started with 'beamflow ingest' (ingest.journalDirectory on this host, or "
            + "reduction.journalServers), until Ctrl-C/SIGTERM.",
            "",
            "Stopping takes a savepoint: completed files are committed, files of series still open are kept in "
            + "progress. The next start continues from it (after a crash: from the last checkpoint) without losing "
            + "or repeating a frame."})
public final class PipelineCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "configuration file")
    Path config;

    @Option(names = "--flink", paramLabel = "HOST:PORT",
            description = "submit the job to this Flink session cluster (REST address) instead of an embedded "
                    + "MiniCluster (default: reduction.flinkRestAddress)")
    String flinkRestAddress;

    @Option(names = "--http-port", description = "control server port, 0 for any free port (default: from the configuration)")
    Integer httpPort;

    @Option(names = "--no-server", description = "do not start the control server and dashboard")
    boolean noServer;

    @Option(names = "--status-interval", defaultValue = "10",
            description = "seconds between status lines on stdout (0: none; default ${DEFAULT-VALUE})")
    int statusIntervalSeconds;

    @Option(names = "--stop-timeout-s", defaultValue = "120",
            description = "how long the savepoint at the stop may take (default ${DEFAULT-VALUE})")
    long stopTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        BeamflowConfig c = BeamflowConfig.load(config);
        if (httpPort != null) {
            c.control.httpPort = httpPort;
        }
        if (flinkRestAddress != null) {
            c.reduction.flinkRestAddress = flinkRestAddress;
        }
        StartupChecks checks = new StartupChecks(config, httpPort == null ? Map.of()
                : Map.of("control.httpPort", "--http-port"));
        if (c.reduction.stopAfterSeriesEnd != 0) {
            throw new StartupException(checks.at("reduction.stopAfterSeriesEnd") + " is "
                    + c.reduction.stopAfterSeriesEnd + "; the pipeline runs until stopped: allowed: 0");
        }
        checks.pipeline(c, !noServer);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        PipelineRunner runner = PipelineRunner.start(c, registry, !noServer);
        // Registered before the first line, so a SIGTERM right after it still stops with a savepoint.
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            try {
                Path savepoint = runner.stop(Duration.ofSeconds(stopTimeoutSeconds));
                System.out.println("pipeline stopped with savepoint " + savepoint);
            } catch (Exception e) {
                System.out.println("pipeline stopped WITHOUT a savepoint (" + e
                        + "); the next start continues from the last checkpoint");
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "pipeline-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf("pipeline running: job %s, %s%n", runner.jobId(), runner.restoredFrom()
                .map(p -> "continuing from " + p).orElse("first start (no snapshot in " + runner.snapshots().checkpoints()
                        + ")"));
        System.out.printf("flink: %s%n", c.reduction.flinkRestAddress.isBlank() ? "embedded MiniCluster"
                : "session cluster at " + c.reduction.flinkRestAddress);
        System.out.printf("journals: %s -> files: %s%n", c.reduction.journalServers.isEmpty()
                ? c.ingest.journalDirectory : "journal servers " + c.reduction.journalServers, c.sink.outputRoot);
        runner.controlUrl().ifPresent(u -> System.out.printf("dashboard: %s   metrics: %smetrics%n", u, u));
        System.out.flush();

        while (!stopped.await(Math.max(1, statusIntervalSeconds), TimeUnit.SECONDS)) {
            if (stopping.get()) {
                continue;
            }
            JobStatus status = runner.status();
            if (status.isGloballyTerminalState() && !stopping.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
                System.err.println("beamflow pipeline: the job ended by itself: " + status
                        + "; the next start continues from its last checkpoint");
                return 1;
            }
            if (statusIntervalSeconds > 0 && c.reduction.flinkRestAddress.isBlank()) {
                System.out.printf("status: job %s, frames stored %d, series finished %d%n", status,
                        sum(Metrics.globalRegistry, "hdf5FramesStored"),
                        sum(Metrics.globalRegistry, "hdf5SeriesFinished"));
            } else if (statusIntervalSeconds > 0) {
                // the sink's counters live in the cluster's TaskManagers (Flink's own metric reporters show them)
                System.out.printf("status: job %s%n", status);
            }
            System.out.flush();
        }
        return 0;
    }

    private static long sum(MeterRegistry registry, String suffix) {
        double total = 0;
        for (Meter m : registry.getMeters()) {
            if (m.getId().getName().endsWith(suffix)) {
                total += m instanceof Counter counter ? counter.count()
                        : m instanceof FunctionCounter f ? f.count() : 0;
            }
        }
        return (long) total;
    }
}
