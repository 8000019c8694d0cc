package io.beamflow.reduce.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.core.rules.TriggerRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleCompilerTest {
    private final RuleCompiler compiler = new RuleCompiler(Set.of("beamstop"));

    private static RuleDocument doc(TriggerRule... rules) {
        return new RuleDocument(3, "test", 0, "", List.of(rules), Decision.VETO);
    }

    private static FrameResult frame(int peaks, double beamstop) {
        FrameResult r = new FrameResult();
        r.frameNumber = 7;
        r.pixels = new byte[4];
        r.features.peakX = new float[peaks];
        r.features.peakY = new float[peaks];
        r.features.peakIntensity = new float[peaks];
        r.features.roiSums.put("beamstop", beamstop);
        return r;
    }

    @Test
    void shouldDecideByFirstMatchingRuleAndRecordVersion() {
        RuleCompiler.Compilation c = compiler.compile(doc(
                new TriggerRule("hits", "peaks.count >= 15 && roi['beamstop'] < 2.0e5", Decision.KEEP, 1),
                new TriggerRule("weak", "peaks.count >= 5", Decision.REDUCED_ONLY, 1)));
        assertTrue(c.ok(), c.problems().toString());
        FrameResult hit = frame(20, 1e5);
        c.rules().decide(hit);
        assertEquals(Decision.KEEP, hit.decision);
        assertEquals("hits", hit.ruleName);
        assertEquals(3, hit.ruleVersion);
        FrameResult weak = frame(20, 3e5);
        c.rules().decide(weak);
        assertEquals(Decision.REDUCED_ONLY, weak.decision);
        assertNull(weak.pixels, "pixels dropped for reduced-only frames");
        FrameResult none = frame(0, 0);
        c.rules().decide(none);
        assertEquals(Decision.VETO, none.decision);
        assertEquals("", none.ruleName);
    }

    @Test
    void shouldKeepOneInNVetoedFramesWithPrescale() {
        CompiledRules rules = compiler.compile(doc(new TriggerRule("blank", "peaks.count < 5", Decision.VETO, 10)))
                .rules();
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            FrameResult r = frame(0, 0);
            rules.decide(r);
            if (r.decision == Decision.KEEP) {
                kept++;
                assertEquals("blank" + CompiledRules.PRESCALE_SUFFIX, r.ruleName);
                assertTrue(r.pixels != null);
            }
        }
        assertEquals(10, kept);
    }

    @Test
    void shouldNamePositionOfSyntaxError() {
        List<RuleProblem> p = compiler.validate(doc(new TriggerRule("bad", "sum > 3 &&\n  (peaks.count >= )", Decision.KEEP, 1)));
        assertEquals(1, p.size(), p.toString());
        assertEquals("bad", p.get(0).ruleName());
        assertEquals(2, p.get(0).line(), p.toString());
        assertTrue(p.get(0).column() > 0, p.toString());
    }

    @Test
    void shouldRefuseUnknownVariablesAndRoisWithTheirPosition() {
        List<RuleProblem> p = compiler.validate(doc(new TriggerRule("typo", "sum > 1 && peakz.count > 2", Decision.KEEP, 1),
                new TriggerRule("roi", "roi['nothere'] > 1", Decision.KEEP, 1)));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).message().contains("peakz.count"), p.toString());
        assertEquals(1, p.get(0).line());
        assertEquals(12, p.get(0).column());
        assertTrue(p.get(1).message().contains("nothere"), p.toString());
    }

    @Test
    void shouldRefuseNonBooleanExpressions() {
        List<RuleProblem> p = compiler.validate(doc(new TriggerRule("num", "sum + 1", Decision.KEEP, 1)));
        assertEquals(1, p.size());
        assertTrue(p.get(0).message().contains("boolean"), p.toString());
    }

    @Test
    void shouldRefuseExpressionsThatReachOutsideTheSandbox() {
        for (String evil : List.of("new('java.io.File', '/etc/passwd').exists()", "''.getClass().forName('java.lang.Runtime') != null",
                "sum.getClass() != null", "sum = 3", "java.lang.System.exit(1) == 0", "(x -> x)(1) == 1",
                "#pragma jexl.namespace.s java.lang.System\n true", "var x = 1; x == 1", "while (true) {}")) {
            List<RuleProblem> p = compiler.validate(doc(new TriggerRule("evil", evil, Decision.KEEP, 1)));
            assertFalse(p.isEmpty(), "must refuse: " + evil);
        }
    }

    @Test
    void shouldRefuseDuplicateAndEmptyRules() {
        List<RuleProblem> p = compiler.validate(doc(new TriggerRule("a", "sum > 1", Decision.KEEP, 1),
                new TriggerRule("a", " ", Decision.KEEP, 1)));
        assertEquals(2, p.size(), p.toString());
    }
}
