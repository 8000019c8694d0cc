package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.wire.SeriesArrays;
import io.beamflow.testing.DebianPython;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender's series arrays reach the master: written when the series starts, kept across a sink restore
 * from a checkpoint taken in the middle of the series, and read back with h5py where DECTRIS puts them.
 */
class StreamMetadataLayoutTest {
    private static final int W = SeriesFixture.WIDTH;
    private static final int H = SeriesFixture.HEIGHT;

    @TempDir
    Path root;

    @Test
    void shouldWriteTheSendersPixelMaskFlatFieldAndCountRateTableIntoTheMasterAcrossARestore() throws Exception {
        Hdf5SinkSettings st = new Hdf5SinkSettings(root.toString(), "bt", 2, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        ByteBuffer mask = ByteBuffer.allocate(W * H * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                mask.putInt(x == 20 ? 1 : (x == 3 && y == 4 ? 2 : 0));
            }
        }
        ByteBuffer flat = ByteBuffer.allocate(W * H * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            flat.putFloat(1.0f + i * 1e-4f);
        }
        ByteBuffer table = ByteBuffer.allocate(4 * 10).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 10; i++) {
            table.putInt(i * i);
        }
        FrameResult start = FrameResult.seriesStart("arr", "{\"x_pixels_in_detector\":" + W
                + ",\"y_pixels_in_detector\":" + H + "}");
        start.seriesArrays = SeriesArrays.encode(List.of(
                new SeriesArrays.NamedArray("pixel_mask", PixelType.UINT32, new long[] {H, W}, mask.array()),
                new SeriesArrays.NamedArray("flatfield", PixelType.FLOAT32, new long[] {H, W}, flat.array()),
                new SeriesArrays.NamedArray("countrate_correction_lookup_table", PixelType.UINT32, new long[] {10},
                        table.array())));
        Hdf5SinkWriter first = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), List.of());
        first.write(start, null);
        for (int n = 0; n < 3; n++) {
            first.write(SeriesFixture.frame("arr", n), null);
        }
        // a checkpoint, in Flink's order: committables, then the writer's state, then the commit
        List<Hdf5Committable> committables = List.copyOf(first.prepareCommit());
        List<Hdf5WriterState> state = first.snapshotState(1);
        for (Hdf5Committable c : committables) {
            FilePublisher.publish(c);
        }
        // the task fails here; a new writer continues from the checkpoint
        Hdf5SinkWriter second = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), state);
        for (int n = 3; n < 5; n++) {
            second.write(SeriesFixture.frame("arr", n), null);
        }
        second.write(FrameResult.seriesEnd("arr", 5), null);
        for (Hdf5Committable c : second.prepareCommit()) {
            FilePublisher.publish(c);
        }
        second.close();

        Path master = root.resolve("bt/arr/arr_master.h5");
        String out = DebianPython.run(String.join("\n",
                "import sys, h5py, numpy as np",
                "f = h5py.File(sys.argv[1], 'r')",
                "d = f['/entry/instrument/detector']",
                "m = d['pixel_mask'][()]",
                "want = np.zeros((%d, %d), '<u4'); want[:, 20] = 1; want[4, 3] = 2" .formatted(H, W),
                "flat = (1.0 + np.arange(%d, dtype='<f4') * np.float32(1e-4)).reshape(%d, %d)".formatted(W * H, H, W),
                "print(m.dtype, np.array_equal(m, want), np.array_equal(d['detectorSpecific/pixel_mask'][()], want),",
                "      d['flatfield'].dtype, np.array_equal(d['flatfield'][()], flat),",
                "      [int(v) for v in d['countrate_correction_lookup_table'][()]], f['/entry/data/data'].shape[0])"), 120,
                master.toString()).orThrow();
        long kept = java.util.stream.LongStream.range(0, 5)
                .filter(n -> SeriesFixture.decision(n) == io.beamflow.core.result.Decision.KEEP).count();
        assertEquals("uint32 True True float32 True [0, 1, 4, 9, 16, 25, 36, 49, 64, 81] " + kept, out.strip());
        String inspect = SeriesSummary.read(master).format();
        assertTrue(inspect.contains("pixel mask " + (H + 1) + " pixels masked: gap " + H + ", dead 1,"), inspect);
    }
}
