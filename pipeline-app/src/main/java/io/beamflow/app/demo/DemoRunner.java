package io.beamflow.app.demo;

import io.beamflow.app.control.ControlServer;
import io.beamflow.app.pipeline.EmbeddedCluster;
import io.beamflow.app.pipeline.PipelineRunner;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.SimulatorConfig;
import io.beamflow.core.io.FileTrees;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.receive.ReceiveSockets;
import io.beamflow.ingest.sim.DetectorSimulator;
import io.beamflow.reduce.rules.RuleCompiler;
import io.beamflow.sink.hdf5.Hdf5Output;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole pipeline in one JVM: an ingest node, the reduction job on an embedded Flink
 * MiniCluster with the HDF5 sink and live view, the control server and dashboard, and the simulated
 * detector sending one series. In bounded mode the job ends by itself after the series end, so every
 * file is committed by Flink's final checkpoint.
 */
public final class DemoRunner {
    private static final Logger LOG = LoggerFactory.getLogger(DemoRunner.class);

    private final BeamflowConfig config;
    private final boolean startControlServer;
    private final CompletableFuture<URI> controlUrl = new CompletableFuture<>();

    /**
     * @param config             configuration (journal, checkpoint and rules directories are the demo's own)
     * @param startControlServer whether to serve the control API, dashboard and metrics
     */
    public DemoRunner(BeamflowConfig config, boolean startControlServer) {
        this.config = config;
        this.startControlServer = startControlServer;
    }

    /**
     * The control server's base URL, known once it serves: with {@code control.httpPort} 0 it holds the port
     * the system chose. Completed exceptionally when {@link #run} ends without having started one.
     *
     * @return the future base URL, e.g. {@code http://127.0.0.1:41234/}
     */
    public CompletableFuture<URI> controlUrl() {
        return controlUrl;
    }

    /**
     * Runs one series end to end; the job ends by itself after the series.
     *
     * @param jobTimeout how long the job may take after the last frame was sent
     * @return what happened
     * @throws Exception when any stage fails; the message says which
     */
    public DemoReport run(Duration jobTimeout) throws Exception {
        return run(jobTimeout, null);
    }

    /**
     * Runs one series end to end.
     *
     * @param jobTimeout   how long the job may take after the last frame was sent
     * @param whileRunning when not {@code null}, the job keeps running (unbounded) after the series; this is
     *                     called with the series' report while the job, ingest node and control server still
     *                     run (e.g. to serve the dashboard until the operator stops the demo), then all is stopped
     * @return what happened
     * @throws Exception when any stage fails; the message says which
     */
    public DemoReport run(Duration jobTimeout, Consumer<DemoReport> whileRunning) throws Exception {
        String seriesId = config.simulator.seriesId;
        deleteRecursively(Path.of(config.ingest.journalDirectory));
        deleteRecursively(Path.of(config.reduction.checkpointDirectory));
        config.reduction.stopAfterSeriesEnd = whileRunning == null ? 1 : 0;
        config.reduction.expectedStreams = config.ingest.endpoints.size();

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        try (IngestNode node = IngestNode.start(config.ingest, registry)) {
            DetectorSimulator.Settings simSettings = DetectorSimulator.Settings.from(simulatorConfig(node));
            SimulatorSeriesControl series = new SimulatorSeriesControl(simSettings);
            try (ControlServer control = startControlServer
                    ? ControlServer.start(config, registry, new RuleCompiler(), series)
                    : null) {
                if (control != null) {
                    controlUrl.complete(control.url());
                }
                StreamExecutionEnvironment env = environment();
                PipelineRunner.buildJob(env, config);
                JobClient job = env.executeAsync("beamflow-demo " + seriesId);
                LOG.info("job {} submitted; sending series {}", job.getJobID(), seriesId);
                if (control != null) {
                    System.out.printf("dashboard: %s   metrics: %s%n", control.url(), control.metricsUrl());
                }

                ReductionRateSampler reductionRate = ReductionRateSampler.start(registry);
                long start = System.nanoTime();
                DetectorSimulator.Result sent = series.run(simSettings);
                Optional<Path> committed;
                if (whileRunning == null) {
                    JobExecutionResult result = job.getJobExecutionResult()
                            .get(jobTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("job finished in {} ms", result.getNetRuntime());
                    committed = findMaster(seriesId);
                } else {
                    committed = awaitMaster(seriesId, job, jobTimeout);
                }
                long elapsed = System.nanoTime() - start;
                reductionRate.close();
                Path master = committed.orElseThrow(() -> new IllegalStateException(
                        "no committed master file for series " + seriesId + " was found under " + config.sink.outputRoot));
                long rejected = node.summaries().stream().mapToLong(s -> s.rejectedTotal()).sum();
                DemoReport report = new DemoReport(seriesId, sent, node.formatSummary(), node.framesJournaled(), rejected,
                        SeriesOutcome.read(master), elapsed, reductionRate.framesPerSecond(),
                        control == null ? null : control.url().toString(),
                        control == null ? null : control.metricsUrl().toString());
                if (whileRunning != null) {
                    try {
                        whileRunning.accept(report);
                    } finally {
                        job.cancel().get(30, TimeUnit.SECONDS);
                    }
                }
                return report;
            }
        } finally {
            controlUrl.completeExceptionally(new IllegalStateException("the demo ran no control server"));
            Metrics.removeRegistry(registry);
        }
    }

    /**
     * The simulator's settings. A simulator endpoint that is one of the node's endpoints with a wildcard port
     * ({@code tcp://127.0.0.1:*}: the system chooses a free port) is replaced by the address the node bound.
     */
    private SimulatorConfig simulatorConfig(IngestNode node) {
        int i = config.ingest.endpoints.indexOf(config.simulator.endpoint);
        if (i >= 0 && config.simulator.endpoint.endsWith(":*")) {
            config.simulator.endpoint = ReceiveSockets.address(node.boundEndpoints().get(i));
        }
        return config.simulator;
    }

    private StreamExecutionEnvironment environment() {
        Configuration conf = EmbeddedCluster.configuration(config);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Path.of(config.reduction.checkpointDirectory).toAbsolutePath().toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                config.reduction.effectiveParallelism(), conf);
        env.enableCheckpointing(config.reduction.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    private Optional<Path> awaitMaster(String seriesId, JobClient job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Path> master = findMaster(seriesId);
            if (master.isPresent()) {
                return master;
            }
            if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended before series " + seriesId + " was committed: "
                        + job.getJobStatus().get(10, TimeUnit.SECONDS));
            }
            Thread.sleep(200);
        }
        throw new java.util.concurrent.TimeoutException("series " + seriesId + " not committed within " + timeout);
    }

    private Optional<Path> findMaster(String seriesId) throws IOException {
        List<Path> masters = Hdf5Output.committedMasters(config.sink);
        return masters.stream().filter(p -> p.getFileName().toString().equals(seriesId + "_master.h5")).findFirst();
    }

    static void deleteRecursively(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }
}
