package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.result.FrameResult;
import io.beamflow.reduce.flink.rules.RuleDecisionFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision's resequencing driven record by record: out-of-order arrivals, place holders, duplicates, a
 * restore (no rules file: every frame is kept).
 */
@SuppressWarnings("try") // the harness's close() declares InterruptedException
class ResequencerTest {
    private static FrameResult result(String key, long sequence, FrameResult.Kind kind) {
        FrameResult r = new FrameResult();
        r.kind = kind;
        r.seriesId = "s";
        r.frameNumber = sequence;
        r.orderKey = key;
        r.sequence = sequence;
        return r;
    }

    @TempDir
    Path rules;

    private KeyedTwoInputStreamOperatorTestHarness<String, FrameResult, String, FrameResult> harness()
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(new CoBroadcastWithKeyedOperator<>(
                new RuleDecisionFunction(rules.toString(), Set.of()), List.of(RuleDecisionFunction.RULES_STATE)),
                r -> r.orderKey, r -> "", Types.STRING);
    }

    private static List<String> emitted(KeyedTwoInputStreamOperatorTestHarness<String, FrameResult, String,
            FrameResult> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            @SuppressWarnings("unchecked")
            FrameResult r = ((StreamRecord<FrameResult>) o).getValue();
            out.add(r.orderKey + ":" + r.sequence);
        }
        return out;
    }

    @Test
    void shouldEmitEachStreamInSequenceOrderWhateverTheArrivalOrder() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(result("a", 1, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("b", 0, FrameResult.Kind.SERIES_START), 0);
            h.processElement1(result("a", 2, FrameResult.Kind.FRAME), 0);
            assertEquals(List.of("b:0"), emitted(h), "stream a waits for its first result");
            h.processElement1(result("a", 0, FrameResult.Kind.SERIES_START), 0);
            h.processElement1(result("b", 1, FrameResult.Kind.FRAME), 0);
            assertEquals(List.of("b:0", "a:0", "a:1", "a:2", "b:1"), emitted(h));
        }
    }

    @Test
    void shouldFillThePlaceOfADroppedRecordWithoutEmittingIt() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(result("a", 0, FrameResult.Kind.SERIES_START), 0);
            h.processElement1(result("a", 2, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 1, FrameResult.Kind.DROPPED), 0);
            h.processElement1(result("a", 3, FrameResult.Kind.SERIES_END), 0);
            assertEquals(List.of("a:0", "a:2", "a:3"), emitted(h));
        }
    }

    @Test
    void shouldDropASecondResultForTheSameSequenceNumber() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement1(result("a", 0, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 0, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 2, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 2, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 1, FrameResult.Kind.FRAME), 0);
            assertEquals(List.of("a:0", "a:1", "a:2"), emitted(h));
        }
    }

    @Test
    void shouldKeepWaitingResultsAndTheNextSequenceNumberAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement1(result("a", 0, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 2, FrameResult.Kind.FRAME), 0);
            h.processElement1(result("a", 3, FrameResult.Kind.FRAME), 0);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(result("a", 1, FrameResult.Kind.FRAME), 0);
            assertEquals(List.of("a:1", "a:2", "a:3"), emitted(h), "the results that waited went out after a restore");
        }
    }
}
