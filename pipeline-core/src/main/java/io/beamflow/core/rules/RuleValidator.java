package io.beamflow.core.rules;

import java.util.List;

/** Compiles and type-checks a rule document without activating it. */
public interface RuleValidator {
    /**
     * @param document candidate document
     * @return the problems found; empty when the document may be activated
     */
    List<RuleProblem> validate(RuleDocument document);
}
