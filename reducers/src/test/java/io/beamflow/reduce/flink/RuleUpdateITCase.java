package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rule documents change the running job's decisions; a bad document is refused and the old one stays. */
@SuppressWarnings("try")
class RuleUpdateITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path dir;

    private static RuleDocument doc(long version, String expression, Decision action) {
        return new RuleDocument(version, "test", System.currentTimeMillis(), "",
                List.of(new TriggerRule("r" + version, expression, action, 1)), Decision.KEEP);
    }

    @Test
    @Timeout(180)
    void shouldApplyNewRuleVersionWhileRunningAndRefuseInvalidOne() throws Exception {
        Path journals = dir.resolve("journal");
        BeamflowConfig config = ReductionJobITCase.boundedConfig(journals, 1);
        Path rules = Path.of(config.reduction.rulesDirectory);
        RuleDocumentCodec.writeActive(rules, doc(1, "sum >= 0", Decision.REDUCED_ONLY));
        SimulationParameters p = SimulationParameters.defaults(128, 96).withHitFraction(0.0);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        List<FrameResult> results = new ArrayList<>();
        long latencyMs = -1;
        try (JournalFixture journal = new JournalFixture(journals, "live")) {
            journal.seriesStart("live-1", "{}");
            int next = 0;
            for (; next < 10; next++) {
                write(journal, synth, next);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(500);
            try (CloseableIterator<FrameResult> it = ReductionJob.build(env, config).executeAndCollect("rules")) {
                readUntilFrame(it, results, 9);
                // An invalid version: refused, version 1 stays whenever the job reads it.
                Files.writeString(rules.resolve("active.json"),
                        RuleDocumentCodec.toJson(doc(2, "peaks.count >= && sum", Decision.VETO)));
                for (; next < 20; next++) {
                    write(journal, synth, next);
                    Thread.sleep(100);
                }
                readUntilFrame(it, results, 19);
                long written = System.nanoTime();
                RuleDocumentCodec.writeActive(rules, doc(3, "sum >= 0", Decision.VETO));
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (latencyMs < 0 && System.nanoTime() < deadline) {
                    write(journal, synth, next);
                    FrameResult r = readUntilFrame(it, results, next);
                    if (r.ruleVersion == 3) {
                        // The first frame decided by version 3 was journaled this long after the rule was written
                        // (the fixture stamps receiveTimeNs with System.nanoTime()).
                        FrameResult first = results.stream().filter(x -> x.ruleVersion == 3).findFirst().orElseThrow();
                        latencyMs = Math.max(0, (first.receiveTimeNs - written) / 1_000_000);
                    }
                    next++;
                    Thread.sleep(20);
                }
                journal.seriesEnd("live-1", next);
                it.forEachRemaining(results::add);
            }
        }
        System.out.println("rule version 3 decided frames journaled " + latencyMs + " ms after it was written");
        assertTrue(latencyMs >= 0, "version 3 became active");
        long lastVersion = 1;
        for (FrameResult r : results) {
            if (r.kind != FrameResult.Kind.FRAME) {
                continue;
            }
            assertTrue(r.ruleVersion == 1 || r.ruleVersion == 3, "refused version 2 never decides: " + r);
            assertTrue(r.ruleVersion >= lastVersion, "versions never go back");
            lastVersion = r.ruleVersion;
            if (r.ruleVersion == 1) {
                assertEquals(Decision.REDUCED_ONLY, r.decision);
                assertEquals("r1", r.ruleName);
            } else {
                assertEquals(Decision.VETO, r.decision);
                assertEquals("r3", r.ruleName);
            }
            assertNull(r.pixels);
            assertNotNull(r.features);
            if (r.frameNumber < 20) {
                assertEquals(1, r.ruleVersion, "frames before version 3 was written: " + r);
            }
        }
        assertEquals(FrameResult.Kind.SERIES_END, results.get(results.size() - 1).kind);
    }

    private static void write(JournalFixture journal, FrameSynthesizer synth, int n) {
        SimulatedFrame f = synth.frame(n);
        journal.frame("live-1", n, 0, 1, 128, 96, FrameSynthesizer.toLittleEndianBytes(f));
    }

    private static FrameResult readUntilFrame(CloseableIterator<FrameResult> it, List<FrameResult> out, long frame) {
        while (true) {
            FrameResult r = it.next();
            out.add(r);
            if (r.kind == FrameResult.Kind.FRAME && r.frameNumber == frame) {
                return r;
            }
        }
    }
}
