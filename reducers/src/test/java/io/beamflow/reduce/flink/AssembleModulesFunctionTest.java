package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.reduce.flink.source.JournalRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Module assembly driven record by record, with processing time in the test's hands. */
@SuppressWarnings("try") // the harness's close() declares InterruptedException
class AssembleModulesFunctionTest {
    private static final int W = 4;
    private static final int H = 2;

    private static JournalRecord record(MessageType type, String stream, int module, long frame) {
        JournalRecord r = new JournalRecord();
        r.type = type;
        r.streamId = stream;
        r.seriesId = "s";
        r.frameNumber = frame;
        r.moduleIndex = module;
        r.moduleCount = 2;
        r.width = W;
        r.height = H;
        r.payload = type == MessageType.FRAME ? new byte[W * H * 2] : new byte[0];
        return r;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, JournalRecord, JournalRecord> harness()
            throws Exception {
        ReductionConfig.AssemblyConfig config = new ReductionConfig.AssemblyConfig();
        config.width = 2 * W;
        config.height = H;
        config.moduleTimeoutMs = 500;
        ReductionConfig.ModulePlacement m1 = new ReductionConfig.ModulePlacement();
        m1.x = W;
        config.modules = List.of(new ReductionConfig.ModulePlacement(), m1);
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AssembleModulesFunction(config),
                r -> r.seriesId, Types.STRING);
    }

    @Test
    void shouldWaitForTheSecondModulesStreamWhenTheFirstEndedBeforeItWasSeen() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(1_000);
            // module 0's whole series is read before the first record of module 1's stream arrives
            h.processElement(record(MessageType.SERIES_START, "module-0", 0, 0), 0);
            for (int f = 0; f < 3; f++) {
                h.processElement(record(MessageType.FRAME, "module-0", 0, f), 0);
            }
            h.processElement(record(MessageType.SERIES_END, "module-0", 0, 3), 0);
            h.setProcessingTime(1_100);
            h.processElement(record(MessageType.SERIES_START, "module-1", 1, 0), 0);
            for (int f = 0; f < 3; f++) {
                h.processElement(record(MessageType.FRAME, "module-1", 1, f), 0);
            }
            h.processElement(record(MessageType.SERIES_END, "module-1", 1, 3), 0);

            List<JournalRecord> out = h.extractOutputValues();
            assertEquals(List.of(MessageType.SERIES_START, MessageType.FRAME, MessageType.FRAME, MessageType.FRAME,
                    MessageType.SERIES_END), out.stream().map(r -> r.type).toList());
            for (JournalRecord r : out.subList(1, 4)) {
                assertFalse(r.incomplete, "frame " + r.frameNumber + " has both modules");
            }
        }
    }

    @Test
    void shouldCloseTheSeriesAtTheEndDeadlineWhenAModulesStreamNeverShowsUp() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(1_000);
            h.processElement(record(MessageType.SERIES_START, "module-0", 0, 0), 0);
            h.processElement(record(MessageType.FRAME, "module-0", 0, 0), 0);
            h.processElement(record(MessageType.SERIES_END, "module-0", 0, 1), 0);
            assertEquals(1, h.extractOutputValues().size(), "only SERIES_START before the deadline");
            h.setProcessingTime(1_500);
            List<JournalRecord> out = h.extractOutputValues();
            assertEquals(List.of(MessageType.SERIES_START, MessageType.FRAME, MessageType.SERIES_END),
                    out.stream().map(r -> r.type).toList());
            assertEquals(true, out.get(1).incomplete, "module 1 missing");
        }
    }
}
