package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink writer outside Flink: error reporting and recovery from a checkpoint. */
class Hdf5SinkWriterTest {
    @TempDir
    Path root;

    private Hdf5SinkSettings settings(String outputRoot) {
        return new Hdf5SinkSettings(outputRoot, "mx-2026", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
    }

    private static void publish(Hdf5SinkWriter w) throws Exception {
        for (Hdf5Committable c : w.prepareCommit()) {
            FilePublisher.publish(c);
        }
    }

    @Test
    void shouldFailWithDiskFullMessageThenRecoverFromCheckpointWithoutCorruptingCommittedFiles() throws Exception {
        Hdf5SinkSettings st = settings(root.toString());
        Hdf5SinkWriter w = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), List.of());
        List<FrameResult> series = SeriesFixture.series("full", 12);
        for (int i = 0; i <= 4; i++) { // start + frames 1..4: data file 1 (frames 1, 2, 4) is finished
            w.write(series.get(i), null);
        }
        publish(w);
        List<Hdf5WriterState> checkpoint = w.snapshotState(1);
        Path committed = root.resolve("mx-2026/full/full_data_000001.h5");
        byte[] committedBytes = Files.readAllBytes(committed);
        // the next data file lands on a full disk
        Path next = SeriesPaths.inProgress(root.resolve("mx-2026/full/full_data_000002.h5"));
        Files.createSymbolicLink(next, Path.of("/dev/full"));
        IOException e = assertThrows(IOException.class, () -> {
            for (int i = 5; i < series.size(); i++) {
                w.write(series.get(i), null);
            }
        });
        assertTrue(e.getMessage().contains("disk full") && e.getMessage().contains("full"), e.getMessage());
        w.close();
        // space is back: the job restarts from the checkpoint and replays frames 5..12
        Files.delete(next);
        Hdf5SinkWriter again = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), checkpoint);
        for (int i = 5; i < series.size(); i++) {
            again.write(series.get(i), null);
        }
        publish(again);
        again.close();
        org.junit.jupiter.api.Assertions.assertArrayEquals(committedBytes, Files.readAllBytes(committed));
        NexusSeriesWriterTest.assertSeries(root.resolve("mx-2026/full/full_master.h5"), "full", 12);
    }

    @Test
    void shouldDropFramesOfACommittedSeriesWithoutFailingWhenTheirSeriesStartIsNotSeen() throws Exception {
        Hdf5SinkSettings st = settings(root.toString());
        Hdf5SinkWriter w = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), List.of());
        for (FrameResult r : SeriesFixture.series("done", 6)) {
            w.write(r, null);
        }
        publish(w);
        w.close();
        Path master = root.resolve("mx-2026/done/done_master.h5");
        byte[] committed = Files.readAllBytes(master);
        // A job that lost its checkpoints re-reads the journal from a position inside the series: its
        // frames come without SERIES_START, and the committed series must stay as it is.
        Hdf5SinkWriter replay = new Hdf5SinkWriter(st, new UnregisteredMetricsGroup(), List.of());
        replay.write(SeriesFixture.frame("done", 4), null);
        replay.write(SeriesFixture.frame("done", 5), null);
        replay.write(FrameResult.seriesEnd("done", 6), null);
        publish(replay);
        replay.close();
        org.junit.jupiter.api.Assertions.assertArrayEquals(committed, Files.readAllBytes(master));
        try (java.util.stream.Stream<Path> files = Files.list(master.getParent())) {
            assertTrue(files.noneMatch(SeriesPaths::isInProgress), "no file of the series was reopened");
        }
    }

    @Test
    void shouldCountMalformedFramesInsteadOfFailing() throws Exception {
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings(root.toString()), new UnregisteredMetricsGroup(), List.of());
        w.write(FrameResult.seriesStart("bad", "{}"), null);
        FrameResult noShape = SeriesFixture.frame("bad", 1);
        noShape.width = 0;
        w.write(noShape, null);
        FrameResult wrongSize = SeriesFixture.frame("bad", 2);
        w.write(SeriesFixture.frame("bad", 4), null);
        wrongSize.pixels = new byte[7];
        w.write(wrongSize, null);
        w.write(FrameResult.seriesEnd("bad", 4), null);
        publish(w);
        w.close();
        SeriesSummary s = SeriesSummary.read(root.resolve("mx-2026/bad/bad_master.h5"));
        assertTrue(s.framesRejected() == 2 && s.framesStored() == 1 && s.framesReceived() == 3, s.format());
    }

    @Test
    void shouldReportUnusableOutputRootClearly() throws Exception {
        Path notADir = Files.writeString(root.resolve("file"), "x");
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings(notADir.toString()), new UnregisteredMetricsGroup(), List.of());
        IOException e = assertThrows(IOException.class,
                () -> w.write(FrameResult.seriesStart("s", "{}"), null));
        assertTrue(e.getMessage().contains("HDF5 sink cannot write series 's' under " + notADir), e.getMessage());
        w.close();
    }
}
