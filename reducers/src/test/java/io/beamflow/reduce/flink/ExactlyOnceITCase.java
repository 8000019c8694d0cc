package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.core.journal.CheckpointedIndexFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.beamflow.testing.Await;
import io.beamflow.testing.FailOnceAfterCheckpoint;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.beamflow.testing.SharedMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A failure in the middle of a series: after recovery every result is committed exactly once. */
class ExactlyOnceITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void shouldCommitEveryFrameExactlyOnceAfterAFailingOperator() throws Exception {
        Path journals = dir.resolve("journal");
        int frames = 300;
        int beforeFailure = 100;
        SimulationParameters p = SimulationParameters.defaults(128, 96).withHitFraction(0.0);
        FrameSynthesizer synthA = new FrameSynthesizer(p);
        FrameSynthesizer synthB = new FrameSynthesizer(p.withSeed(5));
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 2);
        RuleDocumentCodec.writeActive(Path.of(config.reduction.rulesDirectory), new RuleDocument(4, "test", 0, "",
                List.of(new TriggerRule("every-third", "frame.number % 3 == 0", Decision.VETO, 1)), Decision.KEEP));

        try (FailOnceAfterCheckpoint.Injection injection = FailOnceAfterCheckpoint.create();
                JournalFixture a = new JournalFixture(journals, "stream-a");
                JournalFixture b = new JournalFixture(journals, "stream-b")) {
            // The series stay open until the failure was injected and the job restarted, so the bounded
            // sources cannot finish first.
            a.seriesStart("eo-a", "{\"frames\":" + frames + "}");
            b.seriesStart("eo-b", "{\"frames\":" + frames + "}");
            frames(a, "eo-a", synthA, 0, beforeFailure);
            frames(b, "eo-b", synthB, 0, beforeFailure);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.enableCheckpointing(300);
            ReductionJob.build(env, config)
                    .map(injection.<FrameResult>map(r -> r.kind == FrameResult.Kind.FRAME)).name("fail-once")
                    .sinkTo(new CommittingCollectSink(dir.resolve("out")));
            JobClient job = env.executeAsync("exactly-once");
            try {
                Await.until(() -> "a completed checkpoint covering frames (" + injection + ")", injection::armed);
                frames(a, "eo-a", synthA, beforeFailure, frames); // the first of these fails
                frames(b, "eo-b", synthB, beforeFailure, frames);
                Await.until(() -> "the injected failure and a restarted job (" + injection + ")", injection::restarted);
                a.seriesEnd("eo-a", frames);
                b.seriesEnd("eo-b", frames);
                job.getJobExecutionResult().get(180, TimeUnit.SECONDS);
            } finally {
                ExactlyOnceITCase.cancelUnlessFinished(job);
            }
        }

        assertEveryResultCommittedOnce(CommittingCollectSink.committed(dir.resolve("out")), List.of("eo-a", "eo-b"),
                frames);
        for (String stream : List.of("stream-a", "stream-b")) {
            assertTrue(CheckpointedIndexFile.read(journals.toString(), stream) > 0,
                    "checkpointed journal index published for " + stream);
        }
    }

    /** Cancels a job that did not finish (a failed wait), so that it does not run on in the shared MiniCluster. */
    static void cancelUnlessFinished(JobClient job) throws Exception {
        if (!job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Appends frames {@code from} (inclusive) to {@code to} (exclusive) of a simulated series. */
    private static void frames(JournalFixture journal, String series, FrameSynthesizer synth, int from, int to) {
        for (int i = from; i < to; i++) {
            journal.frame(series, i, 0, 1, synth.parameters().width(), synth.parameters().height(),
                    FrameSynthesizer.toLittleEndianBytes(synth.frame(i)));
        }
    }

    /**
     * Checks that each series' markers and every frame (decided by the every-third veto rule of version 4)
     * were committed exactly once, and nothing else.
     */
    static void assertEveryResultCommittedOnce(List<String> committed, List<String> seriesIds, int frames) {
        Map<String, Integer> counts = new HashMap<>();
        committed.forEach(k -> counts.merge(k, 1, Integer::sum));
        for (String series : seriesIds) {
            assertEquals(1, counts.getOrDefault("SERIES_START " + series + "#0 ", 0), "start of " + series);
            assertEquals(1, counts.getOrDefault("SERIES_END " + series + "#" + frames + " ", 0), "end of " + series);
            for (int i = 0; i < frames; i++) {
                String key = "FRAME " + series + "#" + i + (i % 3 == 0 ? " VETO v4 nopixels" : " KEEP v4 pixels");
                assertEquals(1, counts.getOrDefault(key, 0), key + " exactly once");
            }
        }
        assertEquals(seriesIds.size() * (frames + 2), committed.size(), "nothing else committed");
    }
}
