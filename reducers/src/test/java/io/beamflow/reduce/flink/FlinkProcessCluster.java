package io.beamflow.reduce.flink;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Flink session cluster on loopback made of separate JVM processes: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), started
 * with this JVM's class path (flink-dist is not published for Flink 2.x) and module flags.
 */
final class FlinkProcessCluster implements AutoCloseable {
    private final Path configDir;
    private final Path logDir;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();

    FlinkProcessCluster(Path dir, int slotsPerTaskManager) throws IOException {
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
        Files.copy(Path.of(getClass().getClassLoader().getResource("log4j2-test.xml").getPath()),
                configDir.resolve("log4j2.xml"));
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
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(configDir.toString());
        Path log = logDir.resolve(name + ".log");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Starts one more TaskManager process. */
    Process startTaskManager() throws IOException {
        Process p = start("taskmanager-" + taskManagers.size(), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        taskManagers.add(p);
        return p;
    }

    /** @return the REST port of the JobManager */
    int restPort() {
        return restPort;
    }

    /** @return the body of a GET on the JobManager's REST API */
    String get(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + restPort + path).toURL()
                .openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Waits until the REST API reports {@code expected} registered TaskManagers. */
    void awaitTaskManagers(int expected, long timeoutMs) throws InterruptedException {
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
    String logTails() {
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
