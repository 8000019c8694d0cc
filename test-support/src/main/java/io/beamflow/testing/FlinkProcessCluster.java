package io.beamflow.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster on loopback made of separate JVM processes: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), started
 * with this JVM's class path (flink-dist is not published for Flink 2.x) and module flags.
 *
 * <p>The JobManager binds its RPC and REST ports where the system chooses (port 0) and the cluster
 * reads them back from its log; TaskManagers get a configuration with the RPC port it bound.
 */
public final class FlinkProcessCluster implements AutoCloseable {
    private static final Pattern REST_LISTENING = Pattern.compile("Rest endpoint listening at [^:\\s]+:(\\d+)");
    private static final Pattern RPC_STARTED = Pattern.compile("Actor system started at pekko\\.tcp://flink@[^:]+:(\\d+)");

    private final Path configDir;
    private final Path taskManagerConfigDir;
    private final Path logDir;
    private final int restPort;
    private final ChildJvm jobManager;
    private final List<ChildJvm> taskManagers = new ArrayList<>();
    private final String classPath;

    /**
     * Starts the JobManager with this JVM's whole class path.
     *
     * @param dir                 configuration, logs and checkpoints go here
     * @param slotsPerTaskManager task slots of each TaskManager
     * @throws IOException when the process cannot start
     */
    public FlinkProcessCluster(Path dir, int slotsPerTaskManager) throws IOException {
        this(dir, slotsPerTaskManager, entry -> true);
    }

    /**
     * Starts the JobManager with the entries of this JVM's class path that {@code keep} accepts, e.g. without
     * the project's own classes, so that a job only runs if its client ships them.
     *
     * @param dir                 configuration, logs and checkpoints go here
     * @param slotsPerTaskManager task slots of each TaskManager
     * @param keep                which class-path entries (paths) the cluster's processes get
     * @throws IOException when the process cannot start
     */
    public FlinkProcessCluster(Path dir, int slotsPerTaskManager, Predicate<String> keep)
            throws IOException {
        classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).filter(keep)
                .collect(Collectors.joining(File.pathSeparator));
        configDir = Files.createDirectories(dir.resolve("conf"));
        logDir = Files.createDirectories(dir.resolve("log"));
        taskManagerConfigDir = Files.createDirectories(dir.resolve("conf-taskmanager"));
        String config = String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: 0",
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.bind-port: 0",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slotsPerTaskManager,
                "jobmanager.memory.process.size: 800m",
                // TaskManagerRunner started directly (not by the flink-dist scripts) needs resolved resources:
                "taskmanager.cpu.cores: 1",
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 384m",
                "taskmanager.memory.managed.size: 64m",
                "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 6000",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 20",
                "restart-strategy.fixed-delay.delay: 1 s",
                "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
                "");
        Files.writeString(configDir.resolve("config.yaml"), config);
        String log4j;
        try (var in = FlinkProcessCluster.class.getClassLoader().getResourceAsStream("log4j2-test.xml")) {
            log4j = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        // INFO from Flink, so that the JobManager's log says which ports it bound
        Files.writeString(configDir.resolve("log4j2.xml"), log4j.replace(
                "<Logger name=\"org.apache.flink\" level=\"WARN\"/>", "<Logger name=\"org.apache.flink\" level=\"INFO\"/>"));
        jobManager = start("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                configDir);
        try {
            int rpcPort = Integer.parseInt(awaitLogged(RPC_STARTED, "the JobManager's RPC port"));
            restPort = Integer.parseInt(awaitLogged(REST_LISTENING, "the JobManager's REST port"));
            Files.writeString(taskManagerConfigDir.resolve("config.yaml"),
                    config.replace("jobmanager.rpc.port: 0", "jobmanager.rpc.port: " + rpcPort));
            Files.copy(configDir.resolve("log4j2.xml"), taskManagerConfigDir.resolve("log4j2.xml"));
        } catch (RuntimeException | Error e) {
            jobManager.close();
            throw e;
        }
    }

    private String awaitLogged(Pattern pattern, String what) {
        String line = jobManager.awaitLine(what, l -> pattern.matcher(l).find());
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + what + " in " + line);
        }
        return m.group(1);
    }

    private ChildJvm start(String name, String mainClass, Path configuration) {
        return ChildJvm.builder(mainClass).classPath(classPath).jvmArgs("-Xmx700m",
                "-Dlog4j2.configurationFile=" + configuration.resolve("log4j2.xml"))
                .args("--configDir", configuration.toString()).output(logDir.resolve(name + ".log")).start();
    }

    /**
     * Starts one more TaskManager process.
     *
     * @return the process
     * @throws IOException when it cannot start
     */
    public Process startTaskManager() throws IOException {
        ChildJvm p = start("taskmanager-" + taskManagers.size(),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", taskManagerConfigDir);
        taskManagers.add(p);
        return p.process();
    }

    /**
     * Kills one running TaskManager with SIGKILL and waits until it is gone.
     *
     * @param index which of the running TaskManagers (in start order; taken modulo their number)
     * @throws IllegalStateException when none runs
     */
    public void killTaskManager(int index) {
        List<ChildJvm> running = taskManagers.stream().filter(p -> p.process().isAlive()).toList();
        if (running.isEmpty()) {
            throw new IllegalStateException("no TaskManager runs");
        }
        running.get(index % running.size()).kill9();
    }

    /** @return the class path the cluster's processes run with */
    public String classPath() {
        return classPath;
    }

    /** @return the REST port of the JobManager */
    public int restPort() {
        return restPort;
    }

    /**
     * @param path REST path, e.g. {@code /jobs/overview}
     * @return the body of a GET on the JobManager's REST API
     * @throws IOException when the request fails
     */
    public String get(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + restPort + path).toURL()
                .openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits until the REST API reports {@code expected} registered TaskManagers.
     *
     * @param expected  TaskManagers to wait for
     * @param timeoutMs how long to wait
     * @throws InterruptedException when interrupted
     */
    public void awaitTaskManagers(int expected, long timeoutMs) throws InterruptedException {
        try {
            Await.value(java.time.Duration.ofMillis(timeoutMs), () -> expected + " registered TaskManagers",
                    () -> get("/taskmanagers").split("\"id\"").length - 1, count -> count >= expected);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; logs:\n" + logTails(), e);
        }
    }

    /** @return the last lines of every process log, for failure messages */
    public String logTails() {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(logDir)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("== ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("cannot read logs: ").append(e);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (ChildJvm p : taskManagers) {
            p.process().destroyForcibly();
        }
        taskManagers.forEach(ChildJvm::close);
        jobManager.close();
    }
}
