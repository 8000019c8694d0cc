package io.beamflow.bench.chaos;

import io.beamflow.app.pipeline.JobJars;
import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import io.beamflow.testing.FlinkProcessCluster;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The chaos drill (issue #18): one long series from a simulated detector through a separately started ingest
 * node ({@code beamflow ingest}), the pipeline ({@code beamflow pipeline}, on its embedded MiniCluster or on a
 * Flink cluster of a JobManager and two TaskManager processes) and the archive migrator
 * ({@code beamflow archive migrate}), each killed with SIGKILL at random moments drawn from a seed and started
 * again. Afterwards it checks with h5py that every frame is in the data files exactly once with the pixels
 * sent, that the master's accounting says what was sent, and that every archive copy verifies.
 *
 * <pre>
 * ChaosDrill [--frames N] [--kills K] [--seed S] [--mode embedded|cluster] [--size WxH] [--rate HZ]
 *            [--frames-per-file F] [--archive-seconds A] [--wait-minutes M] [--keep-queue true|false]
 *            [--work DIR]
 * </pre>
 *
 * It prints a summary (kills per victim, frames, duplicates, missing, wall time) and exits 0 when every check
 * passed, 1 otherwise. The detector drops what it queued for a node that died and re-sends the series from its
 * start after every ingest restart (the node rejects what it already journaled).
 */
public final class ChaosDrill {
    /** The {@code beamflow} command's main class; every process of the drill runs it. */
    static final String CLI = "io.beamflow.app.cli.BeamflowCli";
    private static final Duration START = Duration.ofMinutes(3);
    private static final List<String> MODULES = List.of("pipeline-core", "ingest-nodes", "reducers", "sinks",
            "archive", "pipeline-app", "test-support", "benchmarks");

    private ChaosDrill() {
    }

    /**
     * Runs the drill.
     *
     * @param args see the class comment
     * @throws Exception when the drill cannot run
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        String[] size = o.getOrDefault("size", "128x128").split("x");
        DrillSettings s = new DrillSettings(
                Path.of(o.getOrDefault("work", "target/chaos-" + System.currentTimeMillis())).toAbsolutePath(),
                Integer.parseInt(o.getOrDefault("frames", "10000")),
                Integer.parseInt(o.getOrDefault("kills", "20")),
                Long.parseLong(o.getOrDefault("seed", "1")),
                o.getOrDefault("mode", "embedded").equals("cluster"),
                Integer.parseInt(size[0]), Integer.parseInt(size[1]),
                Double.parseDouble(o.getOrDefault("rate", "50")),
                Integer.parseInt(o.getOrDefault("frames-per-file", "100")),
                Double.parseDouble(o.getOrDefault("archive-seconds", "20")),
                Integer.parseInt(o.getOrDefault("wait-minutes", "15")),
                Boolean.parseBoolean(o.getOrDefault("keep-queue", "false")));
        DrillReport report = run(s);
        System.out.println(report.format());
        System.exit(report.passed() ? 0 : 1);
    }

    /**
     * @param s what to do
     * @return what happened and what the checks found
     * @throws Exception when the drill cannot run
     */
    static DrillReport run(DrillSettings s) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(s.work());
        Path logs = Files.createDirectories(s.work().resolve("logs"));
        Random random = new Random(s.seed());
        KillPlan plan = new KillPlan(s, random);
        List<String> events = new ArrayList<>();
        Supplier<String> clock = () -> String.format("%7.1f s", (System.nanoTime() - t0) / 1e9);

        FlinkProcessCluster cluster = null;
        List<Path> jobJars = List.of();
        if (s.cluster()) {
            // the cluster lacks Beamflow; the pipeline ships it (the distribution's jars)
            jobJars = distributionJars();
            cluster = new FlinkProcessCluster(s.work().resolve("cluster"), 1, e -> !isBeamflow(e));
            cluster.startTaskManager();
            cluster.startTaskManager();
            cluster.awaitTaskManagers(2, START.toMillis());
            events.add(clock.get() + "  Flink cluster up: JobManager + 2 TaskManagers, REST port " + cluster.restPort());
        }
        Path config = DrillConfig.write(s, jobJars);
        String[] boundEndpoint = new String[1];
        Victim ingest = new Victim(KillPlan.INGEST, logs, n -> cli("-Xmx384m").args(withEndpoint(
                List.of("ingest", "--config", config.toString(), "--status-interval", "0"), n == 0 ? null
                        : boundEndpoint[0])), l -> l.startsWith("ingest node running: "));
        String flink = cluster == null ? null : "127.0.0.1:" + cluster.restPort();
        Victim pipeline = new Victim(KillPlan.PIPELINE, logs, n -> cli("-Xmx1g").args(pipelineArgs(config, flink)),
                l -> l.startsWith("pipeline running: "));
        DaqSender daq = new DaqSender(s);
        Thread daqThread = new Thread(daq, "chaos-daq");
        Map<String, Integer> kills = new LinkedHashMap<>();
        DrillReport.Builder report = new DrillReport.Builder(s);
        try {
            ingest.start();
            String line = ingest.awaitReady(START);
            boundEndpoint[0] = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
            pipeline.start();
            pipeline.awaitReady(START);
            events.add(clock.get() + "  ingest node on " + boundEndpoint[0] + ", pipeline running; sending "
                    + s.frames() + " frames of " + s.width() + "x" + s.height() + " at " + s.rateHz() + " Hz");
            daq.nodeStarted(boundEndpoint[0]);
            daqThread.start();
            List<Victim> alive = List.of(ingest, pipeline);
            Duration sending = Duration.ofSeconds((long) (3 * s.frames() / Math.max(1, s.rateHz())) + 600);
            for (KillPlan.Kill k : plan.running()) {
                awaitAlive(sending, () -> k.atFrame() + " frames sent (now " + daq.framesSent() + ")",
                        () -> daq.framesSent() >= k.atFrame(), alive, daq);
                Thread.sleep(k.delayMs()); // the random moment of the kill, not a wait for a state
                events.add(clock.get() + "  SIGKILL " + k.victim() + " at " + daq.framesSent() + " frames sent");
                kills.merge(k.victim(), 1, Integer::sum);
                switch (k.victim()) {
                    case KillPlan.INGEST -> {
                        ingest.kill9();
                        if (!s.keepQueue()) {
                            daq.nodeDied();
                            Await.until(() -> "the detector dropped its connection to the dead node",
                                    daq::socketDropped);
                        }
                        ingest.start();
                        ingest.awaitReady(START);
                        daq.nodeStarted(boundEndpoint[0]);
                    }
                    case KillPlan.PIPELINE -> {
                        pipeline.kill9();
                        pipeline.start();
                        if (k.againStartMs() >= 0) {
                            Thread.sleep(k.againStartMs()); // a random moment of its start
                            if (pipeline.kill9()) {
                                kills.merge(KillPlan.PIPELINE_STARTING, 1, Integer::sum);
                                events.add(clock.get() + "  SIGKILL pipeline " + k.againStartMs()
                                        + " ms into its start (" + (pipeline.current().outputLines().stream()
                                        .anyMatch(l -> l.startsWith("pipeline running: ")) ? "after" : "before")
                                        + " its job was submitted)");
                            }
                            pipeline.start();
                        }
                        pipeline.awaitReady(START);
                    }
                    case KillPlan.TASK_MANAGER -> {
                        int which = random.nextInt(2);
                        cluster.killTaskManager(which);
                        cluster.startTaskManager();
                    }
                    default -> throw new IllegalStateException(k.victim());
                }
            }
            awaitAlive(sending, () -> "every frame and the series end sent (" + daq.framesSent() + ")", daq::finished,
                    alive, daq);
            events.add(clock.get() + "  detector done: " + s.frames() + " frames sent, series sent again "
                    + daq.resends() + " times after node restarts");
            Path seriesDir = s.work().resolve("raw/bt/" + s.series());
            Path master = seriesDir.resolve(s.series() + "_master.h5");
            awaitAlive(Duration.ofMinutes(s.waitMinutes()), () -> "series closed: " + master
                    + " committed and no in-progress file", () -> closed(seriesDir, master), alive, daq);
            events.add(clock.get() + "  series closed");
            daq.stop();
            daqThread.join(30_000);

            ArchiveDrill.Outcome archive = new ArchiveDrill(s, config, logs, random).run(seriesDir, plan.archiveKills());
            kills.put(KillPlan.ARCHIVE, archive.kills());
            events.add(clock.get() + "  archive: " + archive.kills() + " migrations killed, " + archive.migrations()
                    + " started; " + archive.migrateLine());
            events.add(clock.get() + "  archive " + archive.verifyLine());

            SeriesCheck.Outcome files = SeriesCheck.check(master, s);
            events.add(clock.get() + "  files read back with h5py");
            report.files(files).archive(archive);
        } catch (Exception | AssertionError e) {
            events.add(clock.get() + "  the drill stopped: " + e);
            report.failure(e);
        } finally {
            daq.stop();
            report.kills(kills).events(events).starts(ingest.starts(), pipeline.starts())
                    .wallSeconds((System.nanoTime() - t0) / 1e9);
            pipeline.close();
            ingest.close();
            if (cluster != null) {
                cluster.close();
            }
        }
        return report.build();
    }

    private static ChildJvm.Builder cli(String heap) {
        return ChildJvm.builder(CLI).jvmArgs(heap, "-Dlog4j2.configurationFile=log4j2-test.xml");
    }

    private static List<String> withEndpoint(List<String> args, String endpoint) {
        List<String> all = new ArrayList<>(args);
        if (endpoint != null) {
            all.addAll(List.of("--endpoint", endpoint)); // the same port, so the same journal
        }
        return all;
    }

    private static List<String> pipelineArgs(Path config, String flink) {
        List<String> args = new ArrayList<>(List.of("pipeline", "--config", config.toString(), "--no-server",
                "--status-interval", "1"));
        if (flink != null) {
            args.addAll(List.of("--flink", flink));
        }
        return args;
    }

    /** A series is closed when its master has its final name and no in-progress file remains. */
    private static boolean closed(Path seriesDir, Path master) throws java.io.IOException {
        if (!Files.exists(master)) {
            return false;
        }
        try (Stream<Path> files = Files.list(seriesDir)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith(".inprogress"));
        }
    }

    /** A condition polled until it holds; fails early when a process ended by itself or the detector failed. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitAlive(Duration timeout, Supplier<String> what, Check condition, List<Victim> alive,
            DaqSender daq) {
        String outcome = Await.value(timeout, what, () -> {
            for (Victim v : alive) {
                try {
                    v.assertAlive();
                } catch (AssertionError dead) {
                    return "FAILED " + dead.getMessage();
                }
            }
            if (daq.failure() != null) {
                return "FAILED the detector failed: " + daq.failure();
            }
            return condition.holds() ? "ok" : null;
        }, r -> r != null);
        if (!outcome.equals("ok")) {
            throw new AssertionError(outcome.substring(7));
        }
    }

    /** Whether a class-path entry holds Beamflow's own classes. */
    static boolean isBeamflow(String entry) {
        String name = Path.of(entry).getFileName().toString();
        return entry.endsWith("classes") || MODULES.stream().anyMatch(m -> name.startsWith(m + "-")
                && name.endsWith(".jar"));
    }

    /** @return the jars a job on the cluster needs: the distribution's lib/ without Flink's */
    private static List<Path> distributionJars() throws java.io.IOException {
        Path lib = io.beamflow.testing.RepoPaths.root().resolve("pipeline-app/target/beamflow/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("cluster mode ships the distribution's jars: build it first "
                    + "(mvn -o -q -pl benchmarks -am package -DskipTests); " + lib + " is missing");
        }
        try (Stream<Path> jars = Files.list(lib)) {
            String cp = String.join(File.pathSeparator, jars.map(Path::toString).sorted().toList());
            return JobJars.shippable(cp);
        }
    }
}
