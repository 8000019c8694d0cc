package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.FrameResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink writer outside Flink: quarantined series, error accounting, committed files left alone. */
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

    /** Metric group that keeps its counters, to read them back. */
    static final class CountingMetrics extends UnregisteredMetricsGroup {
        final Map<String, SimpleCounter> counters = new HashMap<>();

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }

        long count(String name) {
            SimpleCounter c = counters.get(name);
            return c == null ? 0 : c.getCount();
        }
    }

    @Test
    void shouldQuarantineASeriesOnDiskFullKeepItsCommittedFilesAndWriteTheNextSeries() throws Exception {
        Hdf5SinkSettings st = settings(root.toString());
        CountingMetrics metrics = new CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(st, metrics, List.of());
        List<FrameResult> series = SeriesFixture.series("full", 12);
        for (int i = 0; i <= 4; i++) { // start + frames 1..4: data file 1 (frames 1, 2, 4) is finished
            w.write(series.get(i), null);
        }
        publish(w);
        Path committed = root.resolve("mx-2026/full/full_data_000001.h5");
        byte[] committedBytes = Files.readAllBytes(committed);
        // the next data file lands on a full disk: the series is quarantined, the job does not fail
        Path next = SeriesPaths.inProgress(root.resolve("mx-2026/full/full_data_000002.h5"));
        Files.createSymbolicLink(next, Path.of("/dev/full"));
        for (int i = 5; i < series.size(); i++) {
            w.write(series.get(i), null);
        }
        publish(w);
        // later series go on
        for (FrameResult r : SeriesFixture.series("after", 4)) {
            w.write(r, null);
        }
        publish(w);
        w.close();
        assertArrayEquals(committedBytes, Files.readAllBytes(committed));
        SeriesSummary full = SeriesSummary.read(root.resolve("mx-2026/full/full_master.h5"));
        assertEquals("failed", full.status(), full.format());
        assertTrue(full.failureReason().contains("disk full"), full.format());
        assertEquals(12, full.framesReceived(), "every frame accounted for: " + full.format());
        assertEquals(3, full.framesStored(), "frames of the committed data file: " + full.format());
        assertEquals(List.of("full_data_000001.h5"), full.dataFiles(), "no link to the lost data file");
        assertTrue(full.framesQuarantined() > 0 && full.framesRejected() >= full.framesQuarantined(), full.format());
        assertEquals(1, metrics.count("hdf5SeriesQuarantined"));
        SeriesSummary after = SeriesSummary.read(root.resolve("mx-2026/after/after_master.h5"));
        assertEquals("ok", after.status(), after.format());
        assertEquals(4, after.framesReceived(), after.format());
        NexusSeriesWriterTest.assertSeries(root.resolve("mx-2026/after/after_master.h5"), "after", 4);
    }

    @Test
    void shouldQuarantineTheRestOfASeriesWhoseReductionFailedAndMarkItsMasterFailed() throws Exception {
        CountingMetrics metrics = new CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings(root.toString()), metrics, List.of());
        List<FrameResult> series = SeriesFixture.series("q", 6);
        for (int i = 0; i <= 2; i++) {
            w.write(series.get(i), null);
        }
        w.write(FrameResult.quarantined("q", 3, "reduction of frame 3 failed: ArithmeticException"), null);
        for (int i = 4; i < series.size(); i++) { // frames 4..6 reduced by other subtasks: quarantined too
            w.write(series.get(i), null);
        }
        publish(w);
        w.close();
        SeriesSummary q = SeriesSummary.read(root.resolve("mx-2026/q/q_master.h5"));
        assertEquals("failed", q.status(), q.format());
        assertEquals("reduction of frame 3 failed: ArithmeticException", q.failureReason());
        assertEquals(6, q.framesReceived(), q.format());
        assertEquals(4, q.framesQuarantined(), q.format());
        assertEquals(4, metrics.count("hdf5FramesQuarantined"));
        assertTrue(q.format().contains("status       failed (reduction of frame 3 failed"), q.format());
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
    void shouldNotStartASeriesAgainWhenItsStartComesAgainBeforeItsMasterIsCommitted() throws Exception {
        CountingMetrics metrics = new CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings(root.toString()), metrics, List.of());
        for (FrameResult r : SeriesFixture.series("again", 7)) {
            w.write(r, null);
        }
        // A detector re-sends its series after an ingest node restart: the node rejects the frames it has, but
        // journals the series start and end again, and they come before the checkpoint that commits the series
        // (found by the chaos drill: the second start began the series anew over its uncommitted files).
        w.write(FrameResult.seriesStart("again", "{}"), null);
        w.write(FrameResult.seriesEnd("again", 7), null);
        publish(w);
        w.close();
        SeriesSummary s = SeriesSummary.read(root.resolve("mx-2026/again/again_master.h5"));
        assertEquals(7, s.framesReceived(), s.format());
        assertEquals("ok", s.status(), s.format());
        assertEquals(1, metrics.count("hdf5SeriesFinished"), "the series finished once");
        try (java.util.stream.Stream<Path> files = Files.list(root.resolve("mx-2026/again"))) {
            assertTrue(files.noneMatch(SeriesPaths::isInProgress), "every file committed");
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
    void shouldCloseTheLongestIdleSeriesAsIncompleteWhenTooManyAreOpen() throws Exception {
        Hdf5SinkSettings two = new Hdf5SinkSettings(root.toString(), "mx-2026", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()), 2);
        CountingMetrics metrics = new CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(two, metrics, List.of());
        w.write(SeriesFixture.series("a", 2).get(0), null);
        w.write(SeriesFixture.series("b", 2).get(0), null);
        w.write(SeriesFixture.frame("a", 1), null); // b is now the longest idle
        w.write(SeriesFixture.series("c", 2).get(0), null);
        assertEquals(1, metrics.count("hdf5SeriesEvicted"));
        w.write(SeriesFixture.frame("b", 1), null); // b was closed: dropped and counted
        assertEquals(1, metrics.count("hdf5FramesDropped"));
        for (String id : List.of("a", "c")) {
            w.write(SeriesFixture.frame(id, 2), null);
            w.write(FrameResult.seriesEnd(id, 2), null);
        }
        publish(w);
        w.close();
        SeriesSummary b = SeriesSummary.read(root.resolve("mx-2026/b/b_master.h5"));
        assertEquals("incomplete", b.status(), b.format());
        assertTrue(b.failureReason().contains("sink.maxOpenSeries"), b.format());
        assertEquals("ok", SeriesSummary.read(root.resolve("mx-2026/a/a_master.h5")).status());
        assertEquals(1, SeriesSummary.read(root.resolve("mx-2026/c/c_master.h5")).framesReceived());
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            assertTrue(files.noneMatch(SeriesPaths::isInProgress), "no file left open");
        }
    }

    @Test
    void shouldCountASeriesThatCannotBeWrittenUnderAnUnusableOutputRootWithoutFailing() throws Exception {
        Path notADir = Files.writeString(root.resolve("file"), "x");
        CountingMetrics metrics = new CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings(notADir.toString()), metrics, List.of());
        for (FrameResult r : SeriesFixture.series("s", 3)) {
            w.write(r, null);
        }
        w.close();
        assertEquals(1, metrics.count("hdf5SeriesFailed"));
        assertEquals(3, metrics.count("hdf5FramesDropped"), "its frames are counted");
    }
}
