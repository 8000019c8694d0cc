package io.beamflow.reduce.rules;

import com.google.re2j.Pattern;
import java.math.MathContext;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.commons.jexl3.JexlArithmetic;

/**
 * JEXL arithmetic whose {@code =~} / {@code !~} on strings use RE2/J, a regular-expression engine that
 * runs in time linear in the input, instead of {@code java.util.regex}, whose backtracking takes
 * seconds for {@code 'aaa...a!' =~ '(.*a){10}'} (35 characters) and exponentially longer beyond.
 * Patterns RE2 cannot run in linear time (back-references, look-around) fail to compile, so such a
 * rule is refused at validation. Public because JEXL instantiates it reflectively with other options.
 */
public class LinearRegexArithmetic extends JexlArithmetic {
    /** Compiled patterns kept; the cache is emptied when it grows past this (patterns are literals). */
    private static final int MAX_CACHED_PATTERNS = 256;
    private static final ConcurrentMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    /** @param strict whether null operands are errors */
    public LinearRegexArithmetic(boolean strict) {
        super(strict);
    }

    /**
     * The constructor JEXL looks for when it derives an arithmetic with other options.
     *
     * @param strict       whether null operands are errors
     * @param bigdContext  BigDecimal math context
     * @param bigdScale    BigDecimal scale
     */
    public LinearRegexArithmetic(boolean strict, MathContext bigdContext, int bigdScale) {
        super(strict, bigdContext, bigdScale);
    }

    @Override
    public Boolean contains(Object container, Object value) {
        if (container instanceof CharSequence regex && value != null) {
            return pattern(regex.toString()).matches(value.toString());
        }
        if (container instanceof java.util.regex.Pattern p && value != null) {
            return pattern(p.pattern()).matches(value.toString());
        }
        return super.contains(container, value);
    }

    private static Pattern pattern(String regex) {
        Pattern p = PATTERNS.get(regex);
        if (p == null) {
            p = Pattern.compile(regex); // PatternSyntaxException: refused at validation
            if (PATTERNS.size() >= MAX_CACHED_PATTERNS) {
                PATTERNS.clear();
            }
            PATTERNS.put(regex, p);
        }
        return p;
    }
}
