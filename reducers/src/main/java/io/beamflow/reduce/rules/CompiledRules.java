package io.beamflow.reduce.rules;

import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.TriggerRule;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;

/**
 * A compiled rule document ready to decide frames: the first rule whose expression is true decides;
 * a VETO or REDUCED_ONLY rule with prescale N keeps every N-th frame it matches (for monitoring). An
 * expression that fails at run time counts as not matching. Not thread-safe (prescale counters).
 *
 * <p>Deciding a frame has a time budget. Expressions have no loops, are bounded in size and nesting, and
 * {@code =~} runs in linear time, so evaluation cannot run away; it cannot be interrupted either. The time is
 * measured, and a frame whose rules took longer than the budget is counted ({@link #overBudgetFrames()}) and
 * reported, with the rules' own decision: a decision that depended on the clock would differ between a loaded
 * and an idle machine, and between a frame's first decision and the one after a restart (exactly once).
 */
public final class CompiledRules {
    /** Rule name recorded for frames kept by a prescale. */
    public static final String PRESCALE_SUFFIX = "#prescaled";
    /** Default time budget to decide one frame: 20 ms (evaluations take microseconds). */
    public static final long DEFAULT_FRAME_BUDGET_NS = 20_000_000L;

    private final RuleDocument document;
    private final List<JexlScript> scripts;
    private final long[] matches;
    private final long budgetNs;
    private final LongSupplier nanoClock;
    private long evaluationErrors;
    private long overBudgetFrames;

    CompiledRules(RuleDocument document, List<JexlScript> scripts, long budgetNs, LongSupplier nanoClock) {
        if (budgetNs <= 0) {
            throw new IllegalArgumentException("rule time budget must be > 0 ns: " + budgetNs);
        }
        this.document = document;
        this.scripts = List.copyOf(scripts);
        this.matches = new long[scripts.size()];
        this.budgetNs = budgetNs;
        this.nanoClock = nanoClock;
    }

    /**
     * The same rules measured with another clock (tests).
     *
     * @param clock monotonic nanosecond clock
     * @return new compiled rules sharing the scripts, with fresh counters
     */
    public CompiledRules withClock(LongSupplier clock) {
        return new CompiledRules(document, scripts, budgetNs, clock);
    }

    /** @return the document */
    public RuleDocument document() {
        return document;
    }

    /** @return expressions that failed at run time so far */
    public long evaluationErrors() {
        return evaluationErrors;
    }

    /** @return frames whose rules took longer than the budget to decide them */
    public long overBudgetFrames() {
        return overBudgetFrames;
    }

    /**
     * Decides a frame: sets {@code decision}, {@code ruleName}, {@code ruleVersion} and drops the
     * pixels for REDUCED_ONLY/VETO decisions.
     *
     * @param r a FRAME result with features
     * @return whether deciding it took longer than the budget (counted; the decision is the rules' own)
     */
    public boolean decide(FrameResult r) {
        JexlContext context = FeatureVariables.bind(r);
        List<TriggerRule> rules = document.rules();
        Decision decision = document.defaultAction();
        String name = "";
        long start = nanoClock.getAsLong();
        for (int i = 0; i < rules.size(); i++) {
            if (matches(scripts.get(i), context)) {
                TriggerRule rule = rules.get(i);
                decision = rule.action();
                name = rule.name();
                long n = matches[i]++;
                if (decision != Decision.KEEP && rule.prescale() > 1 && n % rule.prescale() == 0) {
                    decision = Decision.KEEP;
                    name = rule.name() + PRESCALE_SUFFIX;
                }
                break;
            }
        }
        boolean overBudget = nanoClock.getAsLong() - start > budgetNs;
        if (overBudget) {
            overBudgetFrames++;
        }
        r.decision = decision;
        r.ruleName = name;
        r.ruleVersion = document.version();
        if (decision != Decision.KEEP) {
            r.pixels = null;
            r.chunk = null;
        }
        return overBudget;
    }

    private boolean matches(JexlScript script, JexlContext context) {
        try {
            return Boolean.TRUE.equals(script.execute(context));
        } catch (JexlException e) {
            evaluationErrors++;
            return false;
        }
    }
}
