package io.beamflow.testing;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster on loopback made of separate JVM processes: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), started
 * with this JVM's class path (flink-dist is not published for Flink 2.x) and module flags.
 */
public final class FlinkProcessCluster implements AutoCloseable {
    private final Path configDir;
    private final Path logDir;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
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
        restPort = freePort();
        int rpcPort = freePort();
        Files.writeString(configDir.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
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
                ""));
        try (var log4j = FlinkProcessCluster.class.getClassLoader().getResourceAsStream("log4j2-test.xml")) {
            Files.copy(log4j, configDir.resolve("log4j2.xml"));
        }
        jobManager = start("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process start(String name, String mainClass) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx700m");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Dlog4j2.configurationFile=" + configDir.resolve("log4j2.xml"));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(configDir.toString());
        Path log = logDir.resolve(name + ".log");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Starts one more TaskManager process.
     *
     * @return the process
     * @throws IOException when it cannot start
     */
    public Process startTaskManager() throws IOException {
        Process p = start("taskmanager-" + taskManagers.size(), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        taskManagers.add(p);
        return p;
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
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try {
                String body = get("/taskmanagers");
                int count = body.split("\"id\"").length - 1;
                if (count >= expected) {
                    return;
                }
            } catch (IOException notYet) {
                // REST endpoint not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(expected + " TaskManagers did not register within " + timeoutMs + " ms; logs:\n"
                + logTails());
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
        for (Process p : taskManagers) {
            p.destroyForcibly();
        }
        jobManager.destroyForcibly();
        try {
            for (Process p : taskManagers) {
                p.waitFor(20, TimeUnit.SECONDS);
            }
            jobManager.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
