package io.beamflow.reduce.flink.rules;

import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.reduce.flink.Resequencer;
import io.beamflow.reduce.rules.CompiledRules;
import io.beamflow.reduce.rules.RuleCompiler;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the reduced results of each stream (or assembled series) back in journal order ({@link Resequencer};
 * the operator is keyed by {@link FrameResult#orderKey}) and decides each frame, in that order, with the
 * active rule document held in broadcast state. New documents arrive as
 * JSON on the broadcast input; a document that does not parse, compile or type-check, or whose
 * version is not newer than the active one, is refused (logged, counted) and the active one stays.
 * Before the first broadcast document arrives, the active-rules file read at start-up applies.
 */
public final class RuleDecisionFunction
        extends KeyedBroadcastProcessFunction<String, FrameResult, String, FrameResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RuleDecisionFunction.class);
    private static final String ACTIVE = "active";

    /** Broadcast state: "active" maps to the JSON of the active document. */
    public static final MapStateDescriptor<String, String> RULES_STATE = new MapStateDescriptor<>("active-rules",
            BasicTypeInfo.STRING_TYPE_INFO, BasicTypeInfo.STRING_TYPE_INFO);

    private final String rulesDirectory;
    private final Set<String> roiNames;
    private transient RuleCompiler compiler;
    private transient CompiledRules initial;
    private transient CompiledRules cached;
    private transient String cachedJson;
    private transient Counter rulesRefused;
    private transient Counter rulesActivated;
    private transient Counter rulesOverBudget;
    private transient long lastOverBudgetLogNs;
    private transient Resequencer resequencer;

    /**
     * @param rulesDirectory directory of {@code active.json} (read once at start-up)
     * @param roiNames       configured ROI names rules may use
     */
    public RuleDecisionFunction(String rulesDirectory, Set<String> roiNames) {
        this.rulesDirectory = rulesDirectory;
        this.roiNames = Set.copyOf(roiNames);
    }

    @Override
    public void open(OpenContext openContext) {
        compiler = new RuleCompiler(roiNames.isEmpty() ? null : roiNames);
        rulesRefused = getRuntimeContext().getMetricGroup().counter("rulesRefused");
        rulesActivated = getRuntimeContext().getMetricGroup().counter("rulesActivated");
        rulesOverBudget = getRuntimeContext().getMetricGroup().counter("rulesOverBudget");
        resequencer = new Resequencer(getRuntimeContext());
        RuleDocument doc = RuleDocument.keepAll();
        try {
            doc = RuleDocumentCodec.readActive(Path.of(rulesDirectory));
        } catch (RuntimeException e) {
            LOG.warn("cannot read the active rules in {}: {}; keeping every frame", rulesDirectory, e.getMessage());
        }
        RuleCompiler.Compilation c = compiler.compile(doc);
        if (c.ok()) {
            initial = c.rules();
        } else {
            LOG.warn("active rules version {} refused: {}; keeping every frame", doc.version(), c.problems());
            initial = compiler.compile(RuleDocument.keepAll()).rules();
        }
    }

    @Override
    public void processElement(FrameResult r, ReadOnlyContext ctx, Collector<FrameResult> out) throws Exception {
        CompiledRules rules = active(ctx.getBroadcastState(RULES_STATE));
        resequencer.offer(r, next -> {
            if (next.kind == FrameResult.Kind.FRAME) {
                if (rules.decide(next)) {
                    overBudget(rules, next);
                }
            }
            out.collect(next);
        });
    }

    private CompiledRules active(ReadOnlyBroadcastState<String, String> state) throws Exception {
        String json = state.get(ACTIVE);
        if (json == null) {
            return initial;
        }
        if (!json.equals(cachedJson)) {
            cached = compiler.compile(RuleDocumentCodec.fromJson(json)).rules();
            cachedJson = json;
        }
        return cached;
    }

    @Override
    public void processBroadcastElement(String json, Context ctx, Collector<FrameResult> out) throws Exception {
        BroadcastState<String, String> state = ctx.getBroadcastState(RULES_STATE);
        RuleDocument doc;
        try {
            doc = RuleDocumentCodec.fromJson(json);
        } catch (IllegalArgumentException e) {
            refuse("unreadable rule document: " + e.getMessage());
            return;
        }
        long activeVersion = state.contains(ACTIVE) ? RuleDocumentCodec.fromJson(state.get(ACTIVE)).version()
                : initial.document().version();
        if (doc.version() <= activeVersion) {
            if (doc.version() < activeVersion) {
                refuse("rule version " + doc.version() + " is older than the active version " + activeVersion);
            }
            return;
        }
        List<RuleProblem> problems = compiler.compile(doc).problems();
        if (!problems.isEmpty()) {
            refuse("rule version " + doc.version() + " refused, version " + activeVersion + " stays active: "
                    + problems);
            return;
        }
        state.put(ACTIVE, json);
        rulesActivated.inc();
        LOG.info("rule version {} active ({} rules)", doc.version(), doc.rules().size());
    }

    private void overBudget(CompiledRules rules, FrameResult r) {
        rulesOverBudget.inc();
        long now = System.nanoTime();
        if (lastOverBudgetLogNs == 0 || now - lastOverBudgetLogNs > 10_000_000_000L) {
            lastOverBudgetLogNs = now;
            LOG.warn("rule version {} took longer than its time budget to decide frame {} of series {} ({}, "
                    + "{} such frames so far)", rules.document().version(), r.frameNumber, r.seriesId, r.decision,
                    rules.overBudgetFrames());
        }
    }

    private void refuse(String message) {
        rulesRefused.inc();
        LOG.warn(message);
    }
}
