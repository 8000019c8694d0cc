package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.reduce.flink.source.JournalRecord;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * Module-assembly state written by an earlier release restores in this one. {@code state/assembly-state-v1.snapshot}
 * is the operator snapshot the release of f9be54d took (Flink's POJO serializers) after: SERIES_START and frames
 * 0 and 1 of module 0, SERIES_START and frame 0 of module 1; frame 0 was emitted, frame 1 waits for module 1.
 */
@SuppressWarnings("try") // the harness's close() declares InterruptedException
class AssemblyStateUpgradeTest {
    /** The records of the snapshot's run: module {@code m}'s part of frame {@code f} has bytes m*100 + f*10 + i. */
    static JournalRecord record(MessageType type, String stream, int module, long frame) {
        JournalRecord r = new JournalRecord();
        r.type = type;
        r.streamId = stream;
        r.seriesId = "s";
        r.frameNumber = frame;
        r.moduleIndex = module;
        r.moduleCount = 2;
        r.width = 4;
        r.height = 2;
        r.payload = new byte[type == MessageType.FRAME ? 16 : 0];
        for (int i = 0; i < r.payload.length; i++) {
            r.payload[i] = (byte) (module * 100 + frame * 10 + i);
        }
        return r;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, JournalRecord, JournalRecord> harness() throws Exception {
        ReductionConfig.AssemblyConfig config = new ReductionConfig.AssemblyConfig();
        config.width = 8;
        config.height = 2;
        config.moduleTimeoutMs = 60_000;
        ReductionConfig.ModulePlacement m1 = new ReductionConfig.ModulePlacement();
        m1.x = 4;
        config.modules = List.of(new ReductionConfig.ModulePlacement(), m1);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AssembleModulesFunction(config)), r -> r.seriesId, Types.STRING);
    }

    private static OperatorSubtaskState earlierRelease() throws Exception {
        return OperatorSnapshotUtil.readStateHandle(Path.of(AssemblyStateUpgradeTest.class
                .getResource("/state/assembly-state-v1.snapshot").toURI()).toString());
    }

    /** Sends the rest of the series and checks that frame 1 comes out whole, with both modules' pixels. */
    private static void finishSeries(KeyedOneInputStreamOperatorTestHarness<String, JournalRecord, JournalRecord> h)
            throws Exception {
        h.setProcessingTime(2_000);
        h.processElement(record(MessageType.FRAME, "module-1", 1, 1), 0);
        h.processElement(record(MessageType.SERIES_END, "module-0", 0, 2), 0);
        h.processElement(record(MessageType.SERIES_END, "module-1", 1, 2), 0);
        List<JournalRecord> out = h.extractOutputValues();
        assertEquals(List.of(MessageType.FRAME, MessageType.SERIES_END), out.stream().map(r -> r.type).toList());
        JournalRecord frame = out.get(0);
        assertEquals(1, frame.frameNumber);
        assertFalse(frame.incomplete, "module 0's part came from the restored state");
        // rows of 8 pixels: module 0 in columns 0..3, module 1 in columns 4..7, 2 bytes per pixel
        byte[] expected = new byte[8 * 2 * 2];
        for (int module = 0; module < 2; module++) {
            JournalRecord part = record(MessageType.FRAME, "module-" + module, module, 1);
            for (int row = 0; row < 2; row++) {
                System.arraycopy(part.payload, row * 8, expected, row * 16 + module * 8, 8);
            }
        }
        assertArrayEquals(expected, frame.payload);
        assertEquals(2, out.get(1).frameNumber, "announced frames");
    }

    @Test
    void shouldCompleteAFrameWhosePartWaitedInTheEarlierReleasesState() throws Exception {
        try (var h = harness()) {
            h.initializeState(earlierRelease());
            h.open();
            finishSeries(h);
        }
    }

    @Test
    void shouldKeepThePartInTheExplicitFormatAcrossAnotherRestore() throws Exception {
        OperatorSubtaskState migrated;
        try (var h = harness()) {
            h.initializeState(earlierRelease());
            h.open();
            migrated = h.snapshot(2, 1_500); // written with PartialFrameSerializer and SeriesProgressSerializer
        }
        try (var h = harness()) {
            h.initializeState(migrated);
            h.open();
            finishSeries(h);
        }
    }

    @Test
    void shouldRoundTripEveryFieldOfTheStateTypes() throws Exception {
        PartialFrame f = new PartialFrame();
        f.pixels = new byte[] {1, 2, 3};
        f.presentMask = 5;
        f.firstArrivalMs = 7;
        f.acquisitionTimeNs = 11;
        f.receiveTimeNs = 13;
        f.pixelType = io.beamflow.core.frame.PixelType.UINT32;
        f.partWidth = new int[] {4, 0};
        f.partHeight = new int[] {2, 0};
        DataOutputSerializer out = new DataOutputSerializer(64);
        new PartialFrameSerializer().serialize(f, out);
        PartialFrame g = new PartialFrameSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertArrayEquals(f.pixels, g.pixels);
        assertEquals(List.of(5L, 7L, 11L, 13L), List.of(g.presentMask, g.firstArrivalMs, g.acquisitionTimeNs,
                g.receiveTimeNs));
        assertEquals(f.pixelType, g.pixelType);
        assertArrayEquals(f.partWidth, g.partWidth);
        assertArrayEquals(f.partHeight, g.partHeight);

        SeriesProgress p = new SeriesProgress();
        p.started = true;
        p.streams.add("module-0");
        p.streams.add("module-1");
        p.endedStreams.add("module-1");
        p.announcedFrames = 100;
        p.endDeadlineMs = 99;
        p.finished = true;
        out.clear();
        new SeriesProgressSerializer().serialize(p, out);
        SeriesProgress q = new SeriesProgressSerializer().deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(List.of(true, true), List.of(q.started, q.finished));
        assertEquals(p.streams, q.streams);
        assertEquals(p.endedStreams, q.endedStreams);
        assertEquals(List.of(100L, 99L), List.of(q.announcedFrames, q.endDeadlineMs));
    }
}
