package io.beamflow.core.rules;

/**
 * A reason a rule document was refused.
 *
 * @param ruleName the offending rule (empty for document-level problems)
 * @param line     1-based line in the expression (0 if unknown)
 * @param column   1-based column in the expression (0 if unknown)
 * @param message  what is wrong
 */
public record RuleProblem(String ruleName, int line, int column, String message) {
    @Override
    public String toString() {
        return (ruleName.isEmpty() ? "" : "rule '" + ruleName + "' ")
                + (line > 0 ? "at " + line + ":" + column + ": " : "") + message;
    }
}
