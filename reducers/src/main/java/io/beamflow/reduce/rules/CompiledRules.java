package io.beamflow.reduce.rules;

import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.TriggerRule;
import java.util.List;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;

/**
 * A compiled rule document ready to decide frames: the first rule whose expression is true decides;
 * a VETO or REDUCED_ONLY rule with prescale N keeps every N-th frame it matches (for monitoring). An
 * expression that fails at run time counts as not matching. Not thread-safe (prescale counters).
 */
public final class CompiledRules {
    /** Rule name recorded for frames kept by a prescale. */
    public static final String PRESCALE_SUFFIX = "#prescaled";

    private final RuleDocument document;
    private final List<JexlScript> scripts;
    private final long[] matches;
    private long evaluationErrors;

    CompiledRules(RuleDocument document, List<JexlScript> scripts) {
        this.document = document;
        this.scripts = List.copyOf(scripts);
        this.matches = new long[scripts.size()];
    }

    /** @return the document */
    public RuleDocument document() {
        return document;
    }

    /** @return expressions that failed at run time so far */
    public long evaluationErrors() {
        return evaluationErrors;
    }

    /**
     * Decides a frame: sets {@code decision}, {@code ruleName}, {@code ruleVersion} and drops the
     * pixels for REDUCED_ONLY/VETO decisions.
     *
     * @param r a FRAME result with features
     */
    public void decide(FrameResult r) {
        JexlContext context = FeatureVariables.bind(r);
        List<TriggerRule> rules = document.rules();
        Decision decision = document.defaultAction();
        String name = "";
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
        r.decision = decision;
        r.ruleName = name;
        r.ruleVersion = document.version();
        if (decision != Decision.KEEP) {
            r.pixels = null;
            r.chunk = null;
        }
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
