package io.beamflow.reduce.rules;

import io.beamflow.core.result.FrameResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.MapContext;

/**
 * The variables rule expressions may use, and their binding to a frame's features:
 * {@code frame.number}, {@code frame.incomplete}, {@code sum}, {@code max}, {@code mean},
 * {@code saturated}, {@code peaks.count}, {@code roi['name']}.
 */
public final class FeatureVariables {
    /** Variable paths (as JEXL reports them) that are allowed; {@code roi} takes any name. */
    static final Set<List<String>> KNOWN = Set.of(List.of("frame", "number"), List.of("frame", "incomplete"),
            List.of("sum"), List.of("max"), List.of("mean"), List.of("saturated"), List.of("peaks", "count"));

    private FeatureVariables() {
    }

    /**
     * @param path a variable path from the expression
     * @return whether the expression may use it
     */
    static boolean isKnown(List<String> path) {
        return KNOWN.contains(path) || (path.size() == 2 && path.get(0).equals("roi"));
    }

    /**
     * @param r a FRAME result with features
     * @return the expression context of the frame
     */
    public static JexlContext bind(FrameResult r) {
        MapContext c = new MapContext();
        Map<String, Object> frame = new HashMap<>();
        frame.put("number", r.frameNumber);
        frame.put("incomplete", r.incomplete);
        c.set("frame", frame);
        c.set("sum", r.features.sum);
        c.set("max", r.features.max);
        c.set("mean", r.features.mean);
        c.set("saturated", r.features.saturatedPixels);
        Map<String, Object> peaks = new HashMap<>();
        peaks.put("count", r.features.peakCount());
        c.set("peaks", peaks);
        c.set("roi", new HashMap<>(r.features.roiSums));
        return c;
    }

    /**
     * @param roiNames ROI names to bind
     * @return a context with zero-valued features, for type-checking
     */
    static JexlContext sample(Iterable<String> roiNames) {
        FrameResult r = new FrameResult();
        for (String name : roiNames) {
            r.features.roiSums.put(name, 0.0);
        }
        return bind(r);
    }
}
