package io.beamflow.core.rules;

import io.beamflow.core.result.Decision;
import java.util.List;

/**
 * A versioned set of trigger rules for a beamline. Rules are tried in order; the first whose
 * expression is true decides; when none matches, {@code defaultAction} applies. Every frame records
 * the version of the document that decided it.
 *
 * <p>Expressions see these variables: {@code frame.number}, {@code frame.incomplete}, {@code sum},
 * {@code max}, {@code mean}, {@code saturated}, {@code peaks.count}, {@code roi['name']}.
 *
 * @param version       monotonically increasing version, assigned by the rule store
 * @param author        who made this version
 * @param timestampMs   when it was made, ms since epoch
 * @param comment       why
 * @param rules         the rules, in evaluation order
 * @param defaultAction decision when no rule matches
 */
public record RuleDocument(long version, String author, long timestampMs, String comment, List<TriggerRule> rules,
        Decision defaultAction) {

    /** Normalises nulls. */
    public RuleDocument {
        author = author == null ? "" : author;
        comment = comment == null ? "" : comment;
        rules = rules == null ? List.of() : List.copyOf(rules);
        defaultAction = defaultAction == null ? Decision.KEEP : defaultAction;
    }

    /** @return version 0: keep everything */
    public static RuleDocument keepAll() {
        return new RuleDocument(0, "beamflow", 0, "default: keep every frame", List.of(), Decision.KEEP);
    }

    /**
     * @param newVersion version to assign
     * @return a copy with another version
     */
    public RuleDocument withVersion(long newVersion) {
        return new RuleDocument(newVersion, author, timestampMs, comment, rules, defaultAction);
    }
}
