package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.ingest.IngestNode;
import io.beamflow.testing.NativeFrameSender;
import io.beamflow.testing.SharedMiniCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import io.beamflow.testing.Await;
import io.beamflow.testing.FailOnceAfterCheckpoint;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-module detector whose modules go to two ingest nodes, as on two hosts: the job reads both
 * streams only through the nodes' journal servers, assembles every frame from its two modules, recovers
 * from a failing operator with every frame committed exactly once, and its completed checkpoints release
 * the nodes' journals over the same servers.
 */
class RemoteJournalITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    static final AtomicInteger FRAMES_CHECKED = new AtomicInteger();
    static final AtomicInteger PIXEL_MISMATCHES = new AtomicInteger();

    @TempDir
    Path dir;

    private IngestConfig nodeConfig(String name) {
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of("tcp://127.0.0.1:*");
        c.journalDirectory = dir.resolve(name).toString();
        c.journalBlockSizeBytes = 16L << 20;
        c.journalMinFreeBytes = 1L << 20;
        c.journalServerEndpoint = "tcp://127.0.0.1:*";
        return c;
    }

    /** Compares each kept frame's pixels with the two modules placed as {@link ModuleAssemblyITCase} does. */
    static final class CheckAssembledPixels implements MapFunction<FrameResult, FrameResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public FrameResult map(FrameResult r) {
            if (r.kind == FrameResult.Kind.FRAME && r.pixels != null) {
                int f = (int) r.frameNumber;
                short[] p0 = ModuleAssemblyITCase.module(f, 0);
                short[] p1 = ModuleAssemblyITCase.module(f, 1);
                int w = ModuleAssemblyITCase.W;
                int h = ModuleAssemblyITCase.H;
                int x1 = w + ModuleAssemblyITCase.GAP;
                boolean same = r.width == 2 * w + ModuleAssemblyITCase.GAP && !r.incomplete;
                for (int y = 0; y < h && same; y++) {
                    for (int x = 0; x < w && same; x++) {
                        same = ModuleAssemblyITCase.pixel(r.pixels, x, y, r.width) == (p0[y * w + x] & 0xFFFF)
                                && ModuleAssemblyITCase.pixel(r.pixels, x1 + w - 1 - x, h - 1 - y, r.width)
                                == (p1[y * w + x] & 0xFFFF);
                    }
                }
                FRAMES_CHECKED.incrementAndGet();
                if (!same) {
                    PIXEL_MISMATCHES.incrementAndGet();
                }
            }
            return r;
        }
    }

    @Test
    @Timeout(240)
    void shouldAssembleAndCommitEveryFrameOnceReadingTwoIngestNodesOnlyThroughTheirJournalServers() throws Exception {
        int frames = 150;
        String series = "remote";
        IngestConfig a = nodeConfig("node-a");
        IngestConfig b = nodeConfig("node-b");
        Path localJournals = dir.resolve("job-host-journals");
        BeamflowConfig config = ReductionJobITCase.boundedConfig(localJournals, 2);
        config.reduction.journalServerTimeoutMs = 2000;
        ReductionConfig.AssemblyConfig assembly = config.reduction.assembly;
        assembly.width = 2 * ModuleAssemblyITCase.W + ModuleAssemblyITCase.GAP;
        assembly.height = ModuleAssemblyITCase.H;
        ReductionConfig.ModulePlacement m1 = new ReductionConfig.ModulePlacement();
        m1.x = ModuleAssemblyITCase.W + ModuleAssemblyITCase.GAP;
        m1.rotationDeg = 180;
        assembly.modules = List.of(new ReductionConfig.ModulePlacement(), m1);
        RuleDocumentCodec.writeActive(Path.of(config.reduction.rulesDirectory), new RuleDocument(4, "test", 0, "",
                List.of(new TriggerRule("every-third", "frame.number % 3 == 0", Decision.VETO, 1)), Decision.KEEP));
        FRAMES_CHECKED.set(0);
        PIXEL_MISMATCHES.set(0);
        int beforeFailure = 50;

        try (FailOnceAfterCheckpoint.Injection injection = FailOnceAfterCheckpoint.create();
                IngestNode nodeA = IngestNode.start(a, new SimpleMeterRegistry());
                IngestNode nodeB = IngestNode.start(b, new SimpleMeterRegistry())) {
            config.reduction.journalServers = List.of(nodeA.journalServerEndpoint(), nodeB.journalServerEndpoint());
            try (NativeFrameSender module0 = new NativeFrameSender(nodeA.boundEndpoints().get(0));
                    NativeFrameSender module1 = new NativeFrameSender(nodeB.boundEndpoints().get(0))) {
                module0.seriesStart(series, 2, "{}");
                module1.seriesStart(series, 2, "{}");
                sendFrames(module0, module1, series, 0, beforeFailure);

                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(2);
                env.enableCheckpointing(300);
                ReductionJob.build(env, config)
                        .map(new CheckAssembledPixels()).name("check-pixels")
                        .map(injection.<FrameResult>map(r -> r.kind == FrameResult.Kind.FRAME)).name("fail-once")
                        .sinkTo(new CommittingCollectSink(dir.resolve("out")));
                JobClient job = env.executeAsync("remote-journals");
                try {
                    // The series stays open until the failure was injected and the job restarted, so the bounded
                    // sources cannot finish first.
                    Await.until(() -> "a completed checkpoint covering frames (" + injection + ")", injection::armed);
                    sendFrames(module0, module1, series, beforeFailure, frames); // the first of these fails
                    Await.until(() -> "the injected failure and a restarted job (" + injection + ")",
                            injection::restarted);
                    module0.seriesEnd(series, 0, 2, frames);
                    module1.seriesEnd(series, 1, 2, frames);
                    job.getJobExecutionResult().get(180, TimeUnit.SECONDS);
                } finally {
                    ExactlyOnceITCase.cancelUnlessFinished(job);
                }
            }

            ExactlyOnceITCase.assertEveryResultCommittedOnce(CommittingCollectSink.committed(dir.resolve("out")),
                    List.of(series), frames);
            int kept = frames - (frames + 2) / 3;
            assertTrue(FRAMES_CHECKED.get() >= kept, "every kept frame checked: " + FRAMES_CHECKED.get());
            assertEquals(0, PIXEL_MISMATCHES.get(), "assembled pixels equal the two modules sent");
            assertFalse(holdsAnything(localJournals), "nothing was read from or written to a local journal directory");
            String streamA = nodeA.streamIds().get(0);
            String streamB = nodeB.streamIds().get(0);
            Await.atLeast(1, () -> nodeA.journalReleasedBelow(streamA), "node A's journal released by a checkpoint");
            Await.atLeast(1, () -> nodeB.journalReleasedBelow(streamB), "node B's journal released by a checkpoint");
        }
    }

    private static boolean holdsAnything(Path directory) throws java.io.IOException {
        if (!Files.exists(directory)) {
            return false;
        }
        try (java.util.stream.Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        }
    }

    /** Sends frames {@code from} (inclusive) to {@code to} (exclusive), one module to each node. */
    private static void sendFrames(NativeFrameSender module0, NativeFrameSender module1, String series, int from,
            int to) {
        for (int f = from; f < to; f++) {
            module0.frame(series, f, 0, 2, ModuleAssemblyITCase.W, ModuleAssemblyITCase.H,
                    ModuleAssemblyITCase.bytes(ModuleAssemblyITCase.module(f, 0)));
            module1.frame(series, f, 1, 2, ModuleAssemblyITCase.W, ModuleAssemblyITCase.H,
                    ModuleAssemblyITCase.bytes(ModuleAssemblyITCase.module(f, 1)));
        }
    }
}
