package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.FrameResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A series without an open beamtime on the sink's beamline is refused, counted, and leaves no file anywhere. */
class BeamtimePlacementTest {
    @TempDir
    Path root;

    @Test
    void shouldRefuseASeriesWithoutAnOpenBeamtimeAndCountItsFrames() throws Exception {
        Instant now = Instant.now();
        BeamtimeStore store = new BeamtimeStore(root.resolve("beamtimes.jsonl"));
        // open, but on another beamline; and one on this beamline that is over
        assertEquals(List.of(), store.open(new Beamtime("11000001", "p12", "PETRA III", "", "root", List.of(), "root",
                now.minus(1, ChronoUnit.HOURS).toString(), now.plus(1, ChronoUnit.HOURS).toString(), false, "", "")));
        assertEquals(List.of(), store.open(new Beamtime("11000002", "p11", "PETRA III", "", "root", List.of(), "root",
                now.minus(3, ChronoUnit.HOURS).toString(), now.minus(2, ChronoUnit.HOURS).toString(), false, "", "")));
        Path out = root.resolve("out");
        Hdf5SinkSettings settings = new Hdf5SinkSettings(out.toString(), "commissioning", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()), 8,
                new Hdf5SinkSettings.Beamtimes(store.path().toString(), "p11", List.of()));
        Hdf5SinkWriterTest.CountingMetrics metrics = new Hdf5SinkWriterTest.CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings, metrics, List.of());
        for (FrameResult r : SeriesFixture.series("orphan", 4)) {
            w.write(r, null);
        }
        assertEquals(List.of(), List.copyOf(w.prepareCommit()));
        w.close();
        assertEquals(1, metrics.count("hdf5SeriesRefused"));
        assertEquals(4, metrics.count("hdf5FramesDropped"), "every frame of the refused series is counted");
        assertEquals(0, metrics.count("hdf5SeriesFinished"));
        try (Stream<Path> files = Files.walk(root)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("orphan")),
                    "no file of a refused series anywhere");
        }
    }

    @Test
    void shouldRefuseRatherThanGuessWhenNoBeamlineIsSetAndSeveralBeamtimesAreOpen() throws Exception {
        Instant now = Instant.now();
        BeamtimeStore store = new BeamtimeStore(root.resolve("beamtimes.jsonl"));
        for (String[] b : new String[][] {{"11000001", "p11"}, {"11000002", "p12"}}) {
            assertEquals(List.of(), store.open(new Beamtime(b[0], b[1], "PETRA III", "", "root", List.of(), "root",
                    now.minus(1, ChronoUnit.HOURS).toString(), now.plus(1, ChronoUnit.HOURS).toString(), false, "",
                    "")));
        }
        Hdf5SinkSettings settings = new Hdf5SinkSettings(root.resolve("out").toString(), "x", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()), 8,
                new Hdf5SinkSettings.Beamtimes(store.path().toString(), "", List.of()));
        BeamtimePlacement.Placement p = new BeamtimePlacement(settings).place("s1", now);
        assertEquals(null, p.paths());
        assertTrue(p.refusal().contains("set sink.beamline"), p.refusal());
        assertFalse(Files.exists(root.resolve("out")));
    }

    @Test
    void shouldKeepTheLegacyLayoutWithoutAStore() throws Exception {
        Hdf5SinkSettings settings = new Hdf5SinkSettings(root.toString(), "mx-2026", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        BeamtimePlacement.Placement p = new BeamtimePlacement(settings).place("s1", Instant.now());
        assertEquals(root.resolve("mx-2026/s1"), p.paths().seriesDir());
    }

    @Test
    void shouldNeverBuildABeamtimeDirectoryFromAnUnsafeId() {
        Beamtime evil = new Beamtime("../../etc", "p11", "F", "", "root", List.of(), "root", "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z", false, "", "");
        assertThrows(IllegalArgumentException.class, () -> BeamtimeLayout.of(root, evil));
        Beamtime ok = new Beamtime("11012345", "p11", "F", "", "root", List.of(), "root", "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z", false, "", "");
        Path raw = root.resolve("2026/data/11012345/raw");
        assertEquals(raw, BeamtimeLayout.of(root, ok).raw());
        assertEquals(raw, BeamtimeLayout.of(root, ok).series("../x").seriesDir().getParent(), "stays in raw/");
        assertEquals(raw, BeamtimeLayout.of(root, ok).series("..").seriesDir().getParent(), "stays in raw/");
    }
}
