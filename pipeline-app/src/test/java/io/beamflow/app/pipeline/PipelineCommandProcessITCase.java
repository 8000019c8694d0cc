package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.beamflow.app.cli.BeamflowCli;
import io.beamflow.app.demo.SeriesOutcome;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.sim.DetectorSimulator;
import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.Processes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beamflow pipeline} as an operator runs it, in child JVMs next to an ingest node: killed with
 * SIGKILL in the middle of a series and started again, it continues from its last checkpoint; stopped with
 * SIGTERM it takes a savepoint, and a series journaled while it was down is written after the next start.
 * Every frame sent ends up in the files exactly once (frame numbers read back with h5py).
 */
class PipelineCommandProcessITCase {
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path work;

    /** A child JVM running {@code beamflow pipeline}; its output goes to a file that survives SIGTERM. */
    private static final class PipelineProcess implements AutoCloseable {
        final ChildJvm jvm;
        final Process process;

        PipelineProcess(Path config, Path log) {
            jvm = ChildJvm.builder(BeamflowCli.class.getName())
                    .jvmArgs("-Xmx768m", "-Dlog4j2.configurationFile=log4j2-test.xml")
                    .args("pipeline", "--config", config.toString(), "--no-server", "--status-interval", "1")
                    .output(log).start();
            process = jvm.process();
        }

        String awaitLine(Predicate<String> match, String what) {
            return Await.value(WAIT, () -> what + "; " + jvm.outputTail(60), () -> {
                boolean alive = process.isAlive();
                for (String l : jvm.outputLines()) {
                    if (match.test(l)) {
                        return l;
                    }
                }
                if (!alive) {
                    fail("pipeline exited (" + process.exitValue() + ") before " + what + ":\n" + tail());
                }
                return null;
            }, l -> l != null);
        }

        String tail() {
            return jvm.outputTail(60);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                Processes.stop(process, 0);
            }
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void shouldContinueAfterKillNineFromTheLastCheckpointAndAfterSigtermFromItsSavepoint() throws Exception {
        Path config = Files.writeString(work.resolve("beamline.yaml"), String.join("\n",
                "ingest:",
                "  endpoints: [\"tcp://127.0.0.1:*\"]", // the node binds a port the system chooses
                "  journalDirectory: " + work.resolve("journal"),
                "reduction:",
                "  checkpointIntervalMs: 300",
                "  checkpointDirectory: " + work.resolve("checkpoints"),
                "  rulesDirectory: " + work.resolve("rules"),
                "sink:",
                "  outputRoot: " + work.resolve("raw"),
                "  beamtime: bt",
                "  framesPerFile: 40",
                "control:",
                "  liveViewEndpoint: \"\"",
                "  ruleStoreDirectory: " + work.resolve("rule-store"),
                ""));
        BeamflowConfig c = BeamflowConfig.load(config);
        SnapshotDirectory snapshots = new SnapshotDirectory(work.resolve("checkpoints"));

        try (IngestNode node = IngestNode.start(c.ingest, new SimpleMeterRegistry())) {
            String endpoint = node.boundEndpoints().get(0);
            // 1. First start; half a series is sent; SIGKILL once those frames are stored and a checkpoint
            //    completed after that. The rest of the series is journaled while the pipeline is down.
            try (DetectorSimulator sim = new DetectorSimulator(new DetectorSimulator.Settings(
                    List.of(endpoint), "s1", 200, 64, 48, 0, 0.2, 1, 7));
                    PipelineProcess p1 = new PipelineProcess(config, work.resolve("pipeline-1.log"))) {
                p1.awaitLine(l -> l.startsWith("pipeline running:") && l.contains("first start"), "start line");
                sim.sendSeriesStart();
                sendFrames(sim, 0, 100);
                p1.awaitLine(l -> l.startsWith("status:") && storedAtLeast(l, 100), "100 frames stored");
                awaitSnapshotCompletedAfter(snapshots, System.currentTimeMillis());
                p1.process.destroyForcibly(); // SIGKILL
                assertTrue(p1.process.waitFor(30, TimeUnit.SECONDS));
                sendFrames(sim, 100, 200);
                sim.sendSeriesEnd(200);
            }
            Path checkpoint = snapshots.newest().orElseThrow();
            assertTrue(checkpoint.getFileName().toString().startsWith("chk-"), checkpoint.toString());
            assertTrue(Files.notExists(Path.of(c.sink.outputRoot, c.sink.beamtime, "s1", "s1_master.h5")),
                    "s1 is not committed before its end was sent");

            // 2. Restart: continues from that checkpoint and completes s1. 3. SIGTERM: a savepoint.
            Path savepoint;
            try (PipelineProcess p2 = new PipelineProcess(config, work.resolve("pipeline-2.log"))) {
                p2.awaitLine(l -> l.startsWith("pipeline running:") && l.endsWith(", continuing from " + checkpoint),
                        "continuing from " + checkpoint);
                // a second pipeline on the same checkpoint directory is refused, before it deletes anything
                IllegalStateException second = assertThrows(IllegalStateException.class,
                        () -> PipelineRunner.start(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false));
                assertTrue(second.getMessage().contains("another beamflow pipeline (pid " + p2.process.pid() + ")"),
                        second.getMessage());
                assertSeriesWrittenOnce(awaitMaster(c, "s1"), 200);
                p2.process.destroy(); // SIGTERM
                String stopped = p2.awaitLine(l -> l.startsWith("pipeline stopped"), "stop line");
                assertTrue(p2.process.waitFor(120, TimeUnit.SECONDS), "pipeline exits after SIGTERM");
                assertTrue(stopped.startsWith("pipeline stopped with savepoint "), stopped + "\n" + p2.tail());
                savepoint = Path.of(stopped.substring("pipeline stopped with savepoint ".length()));
                assertTrue(Files.isRegularFile(savepoint.resolve("_metadata")), savepoint.toString());
                assertTrue(savepoint.startsWith(snapshots.savepoints()), savepoint.toString());
            }

            // 4. A series journaled while the pipeline is down is written after the next start.
            assertEquals(120, send("s2", 120, 0, endpoint).frames());
            try (PipelineProcess p3 = new PipelineProcess(config, work.resolve("pipeline-3.log"))) {
                p3.awaitLine(l -> l.startsWith("pipeline running:") && l.endsWith(", continuing from " + savepoint),
                        "continuing from " + savepoint);
                // the snapshots the savepoint superseded, among them the first job's, were deleted at the start
                assertTrue(Files.notExists(checkpoint.getParent()), checkpoint.getParent() + " deleted");
                assertSeriesWrittenOnce(awaitMaster(c, "s2"), 120);
                p3.process.destroy();
                String stopped = p3.awaitLine(l -> l.startsWith("pipeline stopped"), "second stop line");
                assertTrue(stopped.startsWith("pipeline stopped with savepoint "), stopped + "\n" + p3.tail());
                assertTrue(p3.process.waitFor(120, TimeUnit.SECONDS));
                assertEquals(Optional.of(Path.of(stopped.substring("pipeline stopped with savepoint ".length()))),
                        snapshots.newest(), "the next start continues from the last savepoint");
            }
            assertEquals(320, node.framesJournaled());
        }
    }

    private static boolean storedAtLeast(String statusLine, long frames) {
        int i = statusLine.indexOf("frames stored ");
        if (i < 0) {
            return false;
        }
        String rest = statusLine.substring(i + "frames stored ".length());
        return Long.parseLong(rest.substring(0, rest.indexOf(','))) >= frames;
    }

    private static void awaitSnapshotCompletedAfter(SnapshotDirectory snapshots, long afterMs) {
        Await.value(WAIT, () -> "a checkpoint completed after " + afterMs, () -> {
            for (Path s : snapshots.snapshots()) {
                if (Files.getLastModifiedTime(s.resolve("_metadata")).toMillis() > afterMs) {
                    return true;
                }
            }
            return false;
        }, done -> done);
    }

    private static void sendFrames(DetectorSimulator sim, int from, int to) {
        for (int n = from; n < to; n++) {
            short[] pixels = sim.synthesizer().frame(n).pixels();
            ByteBuffer bytes = ByteBuffer.allocate(pixels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asShortBuffer().put(pixels);
            sim.sendFrame(n, bytes.array());
        }
    }

    private static DetectorSimulator.Result send(String series, int frames, double rateHz, String endpoint) {
        DetectorSimulator.Settings s = new DetectorSimulator.Settings(List.of(endpoint), series,
                frames, 64, 48, rateHz, 0.2, 1, 7);
        try (DetectorSimulator sim = new DetectorSimulator(s)) {
            return sim.run();
        }
    }

    private static Path awaitMaster(BeamflowConfig c, String series) {
        Path master = Path.of(c.sink.outputRoot, c.sink.beamtime, series, series + "_master.h5");
        Await.until(WAIT, () -> "series " + series + " committed (" + master + ")", () -> Files.exists(master));
        return master;
    }

    private static void assertSeriesWrittenOnce(Path master, int frames) throws Exception {
        SeriesOutcome out = SeriesOutcome.read(master);
        assertEquals(frames, out.framesReceived(), "frames received");
        assertEquals(frames, out.framesStored(), "frames stored");
        assertEquals(0, out.framesMissing(), "frames missing");
        String script = String.join("\n",
                "import sys, os, h5py",
                "f = h5py.File(sys.argv[1], 'r')",
                "d = f['/entry/data/data']",
                "nums = []",
                "for src in d.virtual_sources():",
                "    g = h5py.File(os.path.join(os.path.dirname(sys.argv[1]), src.file_name), 'r')",
                "    nums.extend(int(n) for n in g['/entry/data/frame_number'][...])",
                "    assert g[src.dset_name].shape[0] == len(g['/entry/data/frame_number']), (src.file_name,)",
                "assert d.shape[0] == len(nums), (d.shape, len(nums))",
                "print(' '.join(str(n) for n in sorted(nums)))");
        String listed = DebianPython.run(script, 120, master.toString()).orThrow().strip();
        String expected = LongStream.range(0, frames).mapToObj(Long::toString).collect(Collectors.joining(" "));
        assertEquals(expected, listed, "frame numbers in the data files, sorted");
    }
}
