package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.beamflow.app.cli.BeamflowCli;
import io.beamflow.app.demo.SeriesOutcome;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.sim.DetectorSimulator;
import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import io.beamflow.testing.FlinkProcessCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a real Flink session cluster (a JobManager and a TaskManager process) whose class path
 * lacks Beamflow's modules: the job runs only because the pipeline ships its jars. A series sent through
 * an ingest node is written completely, and the stop takes a savepoint on the cluster. A pipeline process
 * killed with SIGKILL leaves its job running on the cluster; the next start cancels it and continues.
 */
class PipelineOnFlinkClusterITCase {
    private static final List<String> MODULES = List.of("pipeline-core", "ingest-nodes", "reducers", "sinks",
            "archive", "pipeline-app", "test-support");

    @TempDir
    Path work;

    /** Whether a class-path entry holds Beamflow's own classes. */
    static boolean isBeamflow(String entry) {
        Path p = Path.of(entry);
        String name = p.getFileName().toString();
        return entry.endsWith("target/classes") || entry.endsWith("target/test-classes")
                || MODULES.stream().anyMatch(m -> name.startsWith(m + "-") && name.endsWith(".jar"));
    }

    @Test
    @Timeout(value = 9, unit = TimeUnit.MINUTES)
    void shouldRunOnASessionClusterThatGetsBeamflowOnlyFromTheSubmittedJars() throws Exception {
        BeamflowConfig config = new BeamflowConfig();
        config.ingest.endpoints = List.of("tcp://127.0.0.1:*");
        config.ingest.journalDirectory = work.resolve("journal").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        config.reduction.checkpointIntervalMs = 500;
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.sink.outputRoot = work.resolve("raw").toString();
        config.sink.beamtime = "bt";
        config.sink.framesPerFile = 30;
        config.control.liveViewEndpoint = "";
        config.control.ruleStoreDirectory = work.resolve("rule-store").toString();
        config.archive.catalogUrl = "jdbc:sqlite:" + work.resolve("catalog.db");
        // What the distribution's lib/ holds (the test class path has 170 MB of test tools on top)
        List<Path> jars = new java.util.ArrayList<>(
                JobJars.shippable(Files.readString(Path.of("target/runtime-classpath.txt")).strip()));
        // and pipeline-app's own jar (lib/ has it; built in the package phase, before this test): the job's catalog
        // recording (io.beamflow.app.catalog) runs in the committer
        try (java.util.stream.Stream<Path> built = Files.list(Path.of("target"))) {
            built.filter(p -> p.getFileName().toString().matches("pipeline-app-[^-]+(-SNAPSHOT)?\\.jar"))
                    .map(Path::toAbsolutePath).forEach(jars::add);
        }
        assertTrue(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("pipeline-app-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("reducers-")), jars.toString());
        config.reduction.jobJars = jars.stream().map(Path::toString).toList();

        try (FlinkProcessCluster cluster = new FlinkProcessCluster(work.resolve("cluster"), 2, e -> !isBeamflow(e));
                IngestNode node = IngestNode.start(config.ingest, new SimpleMeterRegistry())) {
            assertTrue(Arrays.stream(cluster.classPath().split(File.pathSeparator)).noneMatch(
                    PipelineOnFlinkClusterITCase::isBeamflow), cluster.classPath());
            assertTrue(cluster.classPath().contains("flink-runtime"), "the cluster has Flink");
            cluster.startTaskManager();
            cluster.awaitTaskManagers(1, 120_000);
            config.reduction.flinkRestAddress = "127.0.0.1:" + cluster.restPort();

            PipelineRunner runner = PipelineRunner.start(config,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false);
            try {
                DetectorSimulator.Settings s = new DetectorSimulator.Settings(node.boundEndpoints(),
                        "remote-1", 90, 64, 48, 0, 0.2, 1, 3);
                try (DetectorSimulator sim = new DetectorSimulator(s)) {
                    assertEquals(90, sim.run().frames());
                }
                Path master = work.resolve("raw/bt/remote-1/remote-1_master.h5");
                try {
                    Await.until(Duration.ofSeconds(180), () -> "the committed master file " + master,
                            () -> Files.exists(master));
                } catch (AssertionError e) {
                    fail("series not committed; cluster logs:\n" + cluster.logTails(), e);
                }
                SeriesOutcome out = SeriesOutcome.read(master);
                assertEquals(90, out.framesReceived());
                assertEquals(90, out.framesStored());
                assertEquals(0, out.framesMissing());
                assertEquals(3, out.dataFiles().size());
                assertEquals(90, node.framesJournaled());
                // recorded by the committer on the TaskManager, whose class path lacks Beamflow and its JDBC drivers
                try {
                    Await.until(Duration.ofSeconds(60), () -> "series remote-1 in the catalog", () -> {
                        try (io.beamflow.archive.catalog.ArchiveCatalog c = io.beamflow.archive.catalog.ArchiveCatalog
                                .open(config.archive.catalogUrl, java.time.Clock.systemUTC())) {
                            return c.seriesRecord("bt/remote-1").map(r -> r.framesKept() == 90 && r.fileCount() == 4)
                                    .orElse(false);
                        }
                    });
                } catch (AssertionError e) {
                    fail("series not catalogued; cluster logs:\n" + cluster.logTails(), e);
                }
                assertTrue(cluster.get("/jobs/" + runner.jobId()).contains("\"RUNNING\""),
                        "the job runs on the cluster");
            } finally {
                Path savepoint = runner.stop(Duration.ofMinutes(2));
                assertTrue(Files.isRegularFile(savepoint.resolve("_metadata")), savepoint.toString());
                assertTrue(cluster.get("/jobs/" + runner.jobId()).contains("\"FINISHED\""));
            }
            clientKilled(config, cluster, node);
        }
    }

    /**
     * A job on a cluster outlives the {@code beamflow pipeline} process that submitted it: after that process was
     * killed with SIGKILL, the next start cancels the job left running and continues from its last checkpoint
     * (found by the chaos drill: it submitted a second job, whose restore failed because the first one had deleted
     * the checkpoint it chose, and had it not failed, two jobs would have written the same series).
     */
    private void clientKilled(BeamflowConfig config, FlinkProcessCluster cluster, IngestNode node) throws Exception {
        StringBuilder yaml = new StringBuilder(String.join("\n",
                "ingest:",
                "  journalDirectory: " + config.ingest.journalDirectory,
                "reduction:",
                "  flinkRestAddress: " + config.reduction.flinkRestAddress,
                "  checkpointIntervalMs: 300",
                "  checkpointDirectory: " + config.reduction.checkpointDirectory,
                "  rulesDirectory: " + config.reduction.rulesDirectory,
                "  jobJars:",
                ""));
        config.reduction.jobJars.forEach(j -> yaml.append("    - ").append(j).append('\n'));
        yaml.append(String.join("\n", "sink:", "  outputRoot: " + config.sink.outputRoot, "  beamtime: bt",
                "  framesPerFile: 30", "control:", "  liveViewEndpoint: \"\"",
                "  ruleStoreDirectory: " + config.control.ruleStoreDirectory, ""));
        Path file = Files.writeString(work.resolve("cluster-pipeline.yaml"), yaml);
        SnapshotDirectory snapshots = new SnapshotDirectory(Path.of(config.reduction.checkpointDirectory));
        ChildJvm first = pipelineProcess(file, "pipeline-1.log");
        String running = first.awaitLine("the first pipeline process running", l -> l.startsWith("pipeline running: "));
        String orphan = running.substring("pipeline running: job ".length(), running.indexOf(','));
        long submitted = System.currentTimeMillis();
        Await.value(Duration.ofMinutes(2), () -> "a checkpoint of job " + orphan, () -> {
            Optional<Path> newest = snapshots.newest();
            return newest.isPresent() && newest.get().toString().contains(orphan)
                    && Files.getLastModifiedTime(newest.get().resolve("_metadata")).toMillis() > submitted;
        }, done -> done);
        first.kill9(); // its job goes on running on the cluster
        assertTrue(cluster.get("/jobs/" + orphan).contains("\"RUNNING\""), "the job outlives its client");
        try (ChildJvm second = pipelineProcess(file, "pipeline-2.log")) {
            String again = second.awaitLine("the second pipeline process running",
                    l -> l.startsWith("pipeline running: "));
            assertTrue(again.contains("continuing from ") && again.contains(orphan), again);
            assertTrue(cluster.get("/jobs/" + orphan).contains("\"CANCELED\""), "the left-over job was cancelled");
            assertEquals(1, cluster.get("/jobs/overview").split("\"RUNNING\"").length - 1,
                    "one job runs: " + cluster.get("/jobs/overview"));
            DetectorSimulator.Settings s = new DetectorSimulator.Settings(node.boundEndpoints(), "remote-2", 60, 64, 48,
                    0, 0.2, 1, 5);
            try (DetectorSimulator sim = new DetectorSimulator(s)) {
                assertEquals(60, sim.run().frames());
            }
            Path master = work.resolve("raw/bt/remote-2/remote-2_master.h5");
            Await.until(Duration.ofSeconds(180), () -> "remote-2 committed; " + second.outputTail(30),
                    () -> Files.exists(master));
            SeriesOutcome out = SeriesOutcome.read(master);
            assertEquals(60, out.framesReceived());
            assertEquals(60, out.framesStored());
            second.stop(120);
        }
    }

    private ChildJvm pipelineProcess(Path config, String log) {
        return ChildJvm.builder(BeamflowCli.class.getName())
                .jvmArgs("-Xmx512m", "-Dlog4j2.configurationFile=log4j2-test.xml")
                .args("pipeline", "--config", config.toString(), "--no-server", "--status-interval", "0")
                .output(work.resolve(log)).start();
    }
}
