package io.beamflow.reduce.flink;

import io.beamflow.core.result.FrameResult;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the results of the frame-parallel reduction back in the order their records had in the journal, for
 * the current key of a keyed operator keyed by {@link FrameResult#orderKey} (ordered by
 * {@link FrameResult#sequence}), so that the rule decision and the files see each series whole and in order.
 * Results that arrive early wait in keyed state (part of the checkpoint, so none is lost on a restore);
 * {@link FrameResult.Kind#DROPPED} place holders only fill their place. Round-robin distribution keeps the
 * wait short: a result waits at most for the ones in flight on the other reduction subtasks.
 */
public final class Resequencer {
    private static final Logger LOG = LoggerFactory.getLogger(Resequencer.class);

    private final ValueState<Long> next;
    private final MapState<Long, FrameResult> waiting;
    private final Counter resultsWaited;
    private final Counter duplicatesDropped;

    /** @param context the keyed operator's runtime context (its state and metrics) */
    public Resequencer(RuntimeContext context) {
        next = context.getState(new ValueStateDescriptor<>("next-sequence", Types.LONG));
        waiting = context.getMapState(new MapStateDescriptor<>("waiting-results", LongSerializer.INSTANCE,
                new FrameResultSerializer()));
        resultsWaited = context.getMetricGroup().counter("resultsWaitedForOrder");
        duplicatesDropped = context.getMetricGroup().counter("resequenceDuplicatesDropped");
    }

    /**
     * @param r       a result of the current key, in any order
     * @param inOrder receives this and every waiting result that now follows in sequence, place holders left out
     * @throws Exception when the state cannot be read or written
     */
    public void offer(FrameResult r, Consumer<FrameResult> inOrder) throws Exception {
        Long stored = next.value();
        long expected = stored == null ? 0 : stored;
        if (r.sequence < expected || (r.sequence > expected && waiting.contains(r.sequence))) {
            duplicatesDropped.inc();
            LOG.error("{}: result {} (sequence {}) arrived twice; the second is dropped", r.orderKey, r,
                    r.sequence);
            return;
        }
        if (r.sequence > expected) {
            resultsWaited.inc();
            waiting.put(r.sequence, r.shallowCopy()); // the input object is reused for the next record
            return;
        }
        emit(r, inOrder);
        expected++;
        for (FrameResult w = waiting.get(expected); w != null; w = waiting.get(expected)) {
            waiting.remove(expected);
            emit(w, inOrder);
            expected++;
        }
        next.update(expected);
    }

    private static void emit(FrameResult r, Consumer<FrameResult> inOrder) {
        if (r.kind != FrameResult.Kind.DROPPED) {
            inOrder.accept(r);
        }
    }
}
