package io.beamflow.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.app.cli.BeamflowCli;
import io.beamflow.testing.ChildJvm;
import io.beamflow.testing.ListeningSockets;
import io.beamflow.testing.ListeningSockets.Listener;
import io.beamflow.testing.RepoPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beamflow demo} (ingest node, journal server, embedded Flink with its REST endpoint, BlobServer
 * and RPC, control server and live view, all in one JVM) listens on loopback only: every listening
 * socket of the running process, read from {@code /proc}, is bound to a loopback address.
 */
class LoopbackOnlyITCase {
    @TempDir
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldListenOnLoopbackOnlyWithEveryComponentRunning() throws Exception {
        Path config = Files.writeString(work.resolve("demo.yaml"), String.join("\n",
                "ingest:",
                "  endpoints: ['tcp://127.0.0.1:*']",
                "  journalDirectory: " + work.resolve("journal"),
                "  journalServerEndpoint: 'tcp://127.0.0.1:*'",
                "simulator:",
                "  endpoint: 'tcp://127.0.0.1:*'",
                "  frames: 20",
                "  width: 64",
                "  height: 64",
                "reduction:",
                "  parallelism: 2",
                "  checkpointDirectory: " + work.resolve("checkpoints"),
                "  rulesDirectory: " + work.resolve("rules"),
                "sink:",
                "  outputRoot: " + work.resolve("raw"),
                "control:",
                "  httpPort: 0",
                "  liveViewEndpoint: 'tcp://127.0.0.1:*'",
                "  ruleStoreDirectory: " + work.resolve("rule-store"),
                ""));
        try (ChildJvm demo = ChildJvm.builder(BeamflowCli.class.getName())
                .jvmArgs("-Xmx768m", "-Dlog4j2.configurationFile=log4j2-test.xml")
                .directory(RepoPaths.root())
                .args("demo", "--config", config.toString(), "--keep-running")
                .output(work.resolve("demo.log")).start()) {
            demo.awaitLine("the demo's series done and everything still running",
                    l -> l.startsWith("Still running"));
            List<Listener> listeners = ListeningSockets.of(demo.process().pid());
            assertTrue(listeners.size() >= 5, "ingest, journal server, control, live view and Flink listen: "
                    + listeners);
            List<Listener> reachable = listeners.stream().filter(l -> !l.loopback()).toList();
            assertEquals(List.of(), reachable, "sockets reachable from other machines, of " + listeners
                    + "\n" + demo.outputTail(40));
        }
    }
}
