package io.beamflow.core.rules;

import io.beamflow.core.result.Decision;
import java.util.Objects;

/**
 * One operator-defined trigger rule: when {@code expression} is true for a frame, {@code action}
 * decides it. With {@code prescale} N &gt; 1 on a VETO (or REDUCED_ONLY) rule, one in N frames it
 * matches is kept anyway, for monitoring.
 *
 * @param name       unique name within the document, e.g. {@code "hits"}
 * @param expression boolean expression over frame features, e.g. {@code peaks.count >= 15 && roi['beamstop'] < 2.0e5}
 * @param action     decision when the expression is true
 * @param prescale   keep 1 in {@code prescale} matched frames despite the action (1: off)
 */
public record TriggerRule(String name, String expression, Decision action, int prescale) {
    /** Checks the fields that need no expression compiler. */
    public TriggerRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(action, "action");
        if (prescale < 1) {
            prescale = 1;
        }
    }
}
