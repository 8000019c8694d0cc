package io.beamflow.app.control;

import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleProblem;
import java.util.List;

/**
 * Outcome of an attempt to activate a rule document.
 *
 * @param accepted whether the document is now active
 * @param document the stored document (with version and timestamp) when accepted, else the candidate
 * @param problems why it was refused (empty when accepted)
 */
public record RuleChange(boolean accepted, RuleDocument document, List<RuleProblem> problems) {
    /** Copies the list. */
    public RuleChange {
        problems = List.copyOf(problems);
    }
}
