package io.beamflow.reduce.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.core.rules.TriggerRule;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hostile rule expressions, as any HTTP client may send them for validation: catastrophic regular
 * expressions, deep nesting, huge expressions, random bytes. None may hang, crash the validating
 * thread, or veto frames silently.
 */
class RuleAbuseTest {
    /** A guard against a hang, far above what the linear engine needs (milliseconds). */
    private static final Duration HANG = Duration.ofSeconds(60);

    private final RuleCompiler compiler = new RuleCompiler();

    private static RuleDocument doc(Decision defaultAction, TriggerRule... rules) {
        return new RuleDocument(4, "test", 0, "", List.of(rules), defaultAction);
    }

    private static FrameResult frame() {
        FrameResult r = new FrameResult();
        r.frameNumber = 1;
        r.pixels = new byte[4];
        return r;
    }

    @Test
    void shouldMatchACatastrophicRegexInLinearTimeInsteadOfBacktracking() {
        // java.util.regex needs seconds for 35 characters and doubles with every further 'a';
        // 60 characters would take longer than this machine runs
        String input = "a".repeat(59) + "!";
        TriggerRule rule = new TriggerRule("evil", "'" + input + "' =~ '(.*a){10}'", Decision.VETO, 1);
        RuleCompiler.Compilation c = assertTimeoutPreemptively(HANG, () -> compiler.compile(doc(Decision.KEEP, rule)));
        assertTrue(c.ok(), c.problems().toString());
        FrameResult r = frame();
        assertTimeoutPreemptively(HANG, () -> c.rules().decide(r));
        assertEquals(Decision.KEEP, r.decision, "the regex does not match (the input ends in '!')");
        FrameResult m = frame();
        RuleCompiler.Compilation matching = compiler.compile(doc(Decision.KEEP,
                new TriggerRule("m", "'" + "a".repeat(59) + "' =~ '(.*a){10}' && !('abc' !~ 'a.c')", Decision.VETO, 1)));
        assertTrue(matching.ok(), matching.problems().toString());
        matching.rules().decide(m);
        assertEquals(Decision.VETO, m.decision, "=~ and !~ still match");
    }

    @Test
    void shouldRefuseRegexFeaturesThatCannotRunInLinearTime() {
        RuleCompiler.Compilation c = compiler.compile(doc(Decision.KEEP,
                new TriggerRule("backref", "'aa' =~ '(a)\\\\1'", Decision.VETO, 1)));
        assertFalse(c.ok());
        assertEquals("backref", c.problems().get(0).ruleName());
    }

    @Test
    void shouldRefuseDeepNestingWithAProblemInsteadOfAStackOverflow() {
        for (String open : new String[] {"(", "[", "!("}) {
            String close = open.endsWith("(") ? ")" : "]";
            int n = 2000 / open.length(); // 2,000 nested parentheses overflowed the parser's stack
            String expr = open.repeat(n) + "1" + close.repeat(n) + " > 0";
            RuleCompiler.Compilation c = compiler.compile(doc(Decision.KEEP, new TriggerRule("deep", expr, Decision.VETO, 1)));
            assertFalse(c.ok());
            RuleProblem p = c.problems().get(0);
            assertTrue(p.message().contains("more than " + RuleCompiler.MAX_NESTING + " deep"), p.toString());
            assertEquals((RuleCompiler.MAX_NESTING + 1) * open.length(), p.column(), "at the 65th opening: " + p);
        }
        String ok = "(".repeat(RuleCompiler.MAX_NESTING) + "sum" + ")".repeat(RuleCompiler.MAX_NESTING) + " >= 0";
        assertTrue(compiler.compile(doc(Decision.KEEP, new TriggerRule("ok", ok, Decision.VETO, 1))).ok());
        String quoted = "'" + "(".repeat(500) + "' == 'x' || sum >= 0";
        assertTrue(compiler.compile(doc(Decision.KEEP, new TriggerRule("q", quoted, Decision.VETO, 1))).ok(),
                "parentheses inside a string literal do not nest");
    }

    @Test
    void shouldRefuseAnOverlongExpression() {
        String expr = "sum >= 0" + " && sum >= 0".repeat(1000);
        RuleCompiler.Compilation c = compiler.compile(doc(Decision.KEEP, new TriggerRule("long", expr, Decision.VETO, 1)));
        assertFalse(c.ok());
        assertTrue(c.problems().get(0).message().contains("at most " + RuleCompiler.MAX_EXPRESSION_CHARS),
                c.problems().toString());
    }

    @Test
    void shouldCountAFrameWhoseRulesTakeLongerThanTheBudgetAndKeepTheirDecision() {
        CompiledRules rules = new RuleCompiler(null, 1_000_000L).compile(doc(Decision.KEEP,
                new TriggerRule("blank", "peaks.count < 5", Decision.VETO, 1))).rules();
        AtomicLong now = new AtomicLong();
        CompiledRules slow = rules.withClock(() -> now.getAndAdd(2_000_000L)); // each reading 2 ms later
        FrameResult r = frame();
        slow.decide(r);
        // The decision is the rules' own, whatever the clock says: a frame and its rules give the same decision
        // on a loaded machine and when a restarted job decides it again (exactly once). The overrun is reported.
        assertEquals(Decision.VETO, r.decision);
        assertEquals("blank", r.ruleName);
        assertEquals(1, slow.overBudgetFrames());
        CompiledRules fast = rules.withClock(() -> now.get()); // no time passes
        FrameResult v = frame();
        fast.decide(v);
        assertEquals(Decision.VETO, v.decision);
        assertEquals(0, fast.overBudgetFrames());
    }

    @Test
    void shouldNeverThrowOnFuzzedExpressions() {
        SplittableRandom rnd = new SplittableRandom(15L);
        String[] atoms = {"sum", "max", "mean", "peaks.count", "roi['x']", "frame.number", "1", "-1", "1e308", "NaN",
            "'a'", "(", ")", "[", "]", "{", "}", "=~", "!~", "&&", "||", "!", "+", "*", "/", "%", "==", "<", ">=",
            "'(.*a){10}'", "'\\\\'", "\"", "'", "size", "empty", "new", "x.y.z", ";", "var", "`", "$", "#", "\\u0000",
            "\\uD800", "?:", "??", "..", "function", "=>", "->"};
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                sb.append(atoms[rnd.nextInt(atoms.length)]).append(rnd.nextBoolean() ? " " : "");
            }
            String expr = sb.toString();
            RuleCompiler.Compilation c = assertTimeoutPreemptively(HANG,
                    () -> compiler.compile(doc(Decision.KEEP, new TriggerRule("f", expr, Decision.VETO, 1))), expr);
            if (c.ok()) {
                FrameResult r = frame();
                c.rules().decide(r);
                assertNotNull(r.decision, expr);
            } else {
                assertFalse(c.problems().isEmpty(), expr);
            }
        }
    }
}
