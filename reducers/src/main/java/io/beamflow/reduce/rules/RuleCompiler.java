package io.beamflow.reduce.rules;

import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.core.rules.RuleValidator;
import io.beamflow.core.rules.TriggerRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlSandbox;

/**
 * Compiles and type-checks trigger rule expressions with a sandboxed Apache Commons JEXL engine.
 * Expressions are side-effect-free boolean formulas over the {@link FeatureVariables}: no method
 * calls, no object creation, no assignments, loops, lambdas, pragmas or namespaces, and the
 * introspection permissions deny every class, so an expression cannot reach files, classes or the
 * network. Problems name the rule and the line/column of the error.
 *
 * <p>Expressions come from HTTP clients, so they are bounded before JEXL parses them (length,
 * nesting depth: JEXL's recursive parser overflows the stack on 2,000 nested parentheses), and
 * {@code =~} runs on a linear-time regular-expression engine ({@link LinearRegexArithmetic}).
 */
public final class RuleCompiler implements RuleValidator {
    /** Longest expression accepted, in characters. */
    public static final int MAX_EXPRESSION_CHARS = 4096;
    /** Deepest nesting of parentheses and brackets accepted in an expression. */
    public static final int MAX_NESTING = 64;

    private static final JexlEngine ENGINE = createEngine();

    private final Set<String> roiNames;
    private final long frameBudgetNs;

    /** A compiler that accepts any ROI name. */
    public RuleCompiler() {
        this(null);
    }

    /** @param roiNames the configured ROI names expressions may refer to; {@code null}: any */
    public RuleCompiler(Set<String> roiNames) {
        this(roiNames, CompiledRules.DEFAULT_FRAME_BUDGET_NS);
    }

    /**
     * @param roiNames      the configured ROI names expressions may refer to; {@code null}: any
     * @param frameBudgetNs time the compiled rules may take to decide one frame (see {@link CompiledRules})
     */
    public RuleCompiler(Set<String> roiNames, long frameBudgetNs) {
        this.roiNames = roiNames == null ? null : Set.copyOf(roiNames);
        this.frameBudgetNs = frameBudgetNs;
    }

    private static JexlEngine createEngine() {
        JexlFeatures features = new JexlFeatures()
                .script(false).loops(false).sideEffect(false).sideEffectGlobal(false).newInstance(false)
                .methodCall(false).lambda(false).fatArrow(false).pragma(false).annotation(false)
                .namespacePragma(false).importPragma(false).localVar(false).register(false)
                .structuredLiteral(false);
        // Deny every class except reading entries of the HashMaps that carry the features.
        JexlSandbox sandbox = new JexlSandbox(false);
        sandbox.permissions(java.util.HashMap.class.getName(), true, false, false);
        return new JexlBuilder()
                .features(features)
                .permissions(JexlPermissions.RESTRICTED)
                .sandbox(sandbox)
                .strict(true)
                .arithmetic(new LinearRegexArithmetic(true))
                .safe(false)
                .silent(false)
                .cache(256)
                .create();
    }

    /** The outcome of compiling a document: compiled rules or problems. */
    public record Compilation(CompiledRules rules, List<RuleProblem> problems) {
        /** @return whether the document may be activated */
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    @Override
    public List<RuleProblem> validate(RuleDocument document) {
        return compile(document).problems();
    }

    /**
     * @param document rule document
     * @return compiled rules when there are no problems
     */
    public Compilation compile(RuleDocument document) {
        List<RuleProblem> problems = new ArrayList<>();
        List<JexlScript> scripts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (TriggerRule rule : document.rules()) {
            if (rule.name().isBlank()) {
                problems.add(new RuleProblem("", 0, 0, "a rule has no name"));
            } else if (!names.add(rule.name())) {
                problems.add(new RuleProblem(rule.name(), 0, 0, "duplicate rule name"));
            }
            JexlScript script = compileOne(rule, problems);
            scripts.add(script);
        }
        if (!problems.isEmpty()) {
            return new Compilation(null, List.copyOf(problems));
        }
        return new Compilation(new CompiledRules(document, scripts, frameBudgetNs, System::nanoTime), List.of());
    }

    private JexlScript compileOne(TriggerRule rule, List<RuleProblem> problems) {
        String source = rule.expression();
        if (source.isBlank()) {
            problems.add(new RuleProblem(rule.name(), 1, 1, "empty expression"));
            return null;
        }
        RuleProblem bounds = boundsProblem(rule.name(), source);
        if (bounds != null) {
            problems.add(bounds);
            return null;
        }
        JexlScript script;
        try {
            script = ENGINE.createScript(new JexlInfo(rule.name(), 1, 1), source);
        } catch (JexlException e) {
            problems.add(problem(rule, e, "syntax error"));
            return null;
        } catch (StackOverflowError e) {
            problems.add(new RuleProblem(rule.name(), 1, 1, "expression is nested too deeply to parse"));
            return null;
        }
        int before = problems.size();
        Set<String> seenRois = new TreeSet<>();
        for (List<String> path : script.getVariables()) {
            if (!FeatureVariables.isKnown(path)) {
                String name = String.join(".", path);
                int[] at = position(source, path.get(0));
                problems.add(new RuleProblem(rule.name(), at[0], at[1], "unknown variable '" + name
                        + "' (known: frame.number, frame.incomplete, sum, max, mean, saturated, peaks.count, roi['name'])"));
            } else if (path.get(0).equals("roi")) {
                if (roiNames != null && !roiNames.contains(path.get(1))) {
                    int[] at = position(source, path.get(1));
                    problems.add(new RuleProblem(rule.name(), at[0], at[1], "unknown ROI '" + path.get(1)
                            + "' (configured: " + new TreeSet<>(roiNames) + ")"));
                }
                seenRois.add(path.get(1));
            }
        }
        if (problems.size() > before) {
            return null;
        }
        try {
            Object result = script.execute(FeatureVariables.sample(seenRois));
            if (!(result instanceof Boolean)) {
                problems.add(new RuleProblem(rule.name(), 1, 1, "expression must be boolean but gives "
                        + (result == null ? "null" : result.getClass().getSimpleName() + " " + result)));
                return null;
            }
        } catch (JexlException e) {
            problems.add(problem(rule, e, "type error"));
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            // e.g. a pattern RE2 cannot run in linear time (back-references, look-around)
            problems.add(new RuleProblem(rule.name(), 1, 1, "type error: " + e.getMessage()));
            return null;
        }
        return script;
    }

    private static RuleProblem problem(TriggerRule rule, JexlException e, String what) {
        JexlInfo info = e.getInfo();
        int line = info == null ? 0 : info.getLine();
        int column = info == null ? 0 : info.getColumn();
        String message = e.getMessage();
        int cut = message == null ? -1 : message.indexOf(' ');
        String detail = message == null ? e.getClass().getSimpleName()
                : (message.startsWith(rule.name()) && cut > 0 ? message.substring(cut + 1) : message);
        return new RuleProblem(rule.name(), line, column, what + ": " + detail);
    }

    /** @return {@code null} when the expression is within the length and nesting limits, else the problem */
    static RuleProblem boundsProblem(String ruleName, String source) {
        if (source.length() > MAX_EXPRESSION_CHARS) {
            return new RuleProblem(ruleName, 1, 1, "expression of " + source.length() + " characters; at most "
                    + MAX_EXPRESSION_CHARS);
        }
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_NESTING) {
                    int[] at = lineColumn(source, i);
                    return new RuleProblem(ruleName, at[0], at[1], "expression nests parentheses or brackets more than "
                            + MAX_NESTING + " deep");
                }
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        return null;
    }

    private static int[] position(String source, String token) {
        int idx = source.indexOf(token);
        if (idx < 0) {
            return new int[] {1, 1};
        }
        return lineColumn(source, idx);
    }

    private static int[] lineColumn(String source, int idx) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < idx; i++) {
            if (source.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[] {line, col};
    }
}
