package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sink state written by an earlier release restores in this one. {@code state/sink-v1/} holds what the release
 * of f9be54d left after frames 1..8 of {@link SeriesFixture#series series "upgrade"} with 3 frames per file:
 * the checkpointed writer state (version 1: Java serialization inside the snapshot), the committed first data
 * file and the two in-progress files.
 */
class SinkStateUpgradeTest {
    private static final String SERIES = "upgrade";

    @TempDir
    Path root;

    private Hdf5SinkSettings settings() {
        return new Hdf5SinkSettings(root.toString(), "mx-2026", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SinkStateUpgradeTest.class.getResourceAsStream("/state/sink-v1/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Puts the earlier release's files where this sink expects them, as after a restart on the same disk. */
    private Hdf5WriterState restoreFiles(Hdf5SinkSettings st) throws IOException {
        SeriesPaths paths = SeriesPaths.of(st, SERIES);
        Files.createDirectories(paths.master().getParent());
        Files.write(paths.dataFile(1), resource("upgrade_data_000001.h5"));
        Files.write(SeriesPaths.inProgress(paths.dataFile(2)), resource("upgrade_data_000002.h5.inprogress"));
        Files.write(SeriesPaths.inProgress(paths.master()), resource("upgrade_master.h5.inprogress"));
        return new Hdf5Serializers.WriterStateSerializer().deserialize(1, resource("writer-state.bin"));
    }

    @Test
    void shouldFinishASeriesFromWriterStateOfTheEarlierReleaseAndReadItBackWithH5py() throws Exception {
        Hdf5SinkSettings st = settings();
        Hdf5WriterState state = restoreFiles(st);
        assertEquals(SERIES, state.seriesId());
        Hdf5SinkWriter w = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), List.of(state));
        List<FrameResult> series = SeriesFixture.series(SERIES, 12);
        for (int i = 9; i < series.size(); i++) { // frames 9..12 and the end
            w.write(series.get(i), null);
        }
        for (Hdf5Committable c : w.prepareCommit()) {
            FilePublisher.publish(c);
        }
        w.close();
        NexusSeriesWriterTest.assertSeries(SeriesPaths.of(st, SERIES).master(), SERIES, 12);
    }

    @Test
    void shouldWriteTheExplicitFormatAndReadItBackToTheSameState() throws Exception {
        Hdf5SinkSettings st = settings();
        Hdf5WriterState state = restoreFiles(st);
        NexusSeriesWriter w = NexusSeriesWriter.resume(st, state.snapshot());
        byte[] v2 = w.snapshot();
        assertTrue(v2[0] == 'B' && v2[1] == 'F', "the explicit format, not Java serialization");
        NexusSeriesWriter.State a = NexusSeriesStateCodec.decode(v2);
        assertArrayEquals(v2, NexusSeriesStateCodec.encode(a), "decode and encode are inverse");
        assertEquals(SERIES, a.seriesId);
        assertEquals(8, a.framesReceived);
        assertEquals(2, a.dataFileIndex);
        assertEquals(a.framesStored - a.framesInDataFile, a.framesInClosedFiles);
        Hdf5FileModel.State master = Hdf5FileStateCodec.decode(a.masterSnapshot);
        assertArrayEquals(a.masterSnapshot, Hdf5FileStateCodec.encode(master), "file state round trip");
        w.release();
    }

    @Test
    void shouldRefuseASnapshotOfAnUnknownVersion() {
        byte[] future = {'B', 'F', 'N', 'S', 99};
        IOException e = assertThrows(IOException.class, () -> NexusSeriesStateCodec.decode(future));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        assertThrows(IOException.class, () -> Hdf5FileStateCodec.decode(new byte[] {'B', 'F', 'H', '5', 99}));
    }
}
