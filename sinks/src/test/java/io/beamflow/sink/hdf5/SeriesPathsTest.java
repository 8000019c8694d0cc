package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeriesPathsTest {
    private static final Hdf5SinkSettings SETTINGS = new Hdf5SinkSettings("/data/raw", "../../etc", 10,
            Compression.NONE, 0, Hdf5SinkSettings.Detector.of(new DetectorInfo()));

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "..", ".", "", "a/../../b", ".hidden", "x\u0000y", "C:\\windows"})
    void shouldKeepHostileSeriesIdsInsideTheBeamtimeDirectory(String id) {
        SeriesPaths p = SeriesPaths.of(SETTINGS, id);
        Path beamtime = Path.of("/data/raw").resolve(SeriesPaths.sanitize("../../etc"));
        assertEquals(beamtime, p.seriesDir().getParent(), p.seriesDir().toString());
        assertFalse(p.name().startsWith("."), p.name());
        assertTrue(p.name().matches("[A-Za-z0-9._-]+"), p.name());
        assertEquals(p.seriesDir(), p.master().getParent());
    }

    @Test
    void shouldKeepCleanIdsAndDisambiguateChangedOnes() {
        assertEquals("scan_0001", SeriesPaths.sanitize("scan_0001"));
        assertNotEquals(SeriesPaths.sanitize("a/b"), SeriesPaths.sanitize("a_b"));
        assertNotEquals(SeriesPaths.sanitize("a/b"), SeriesPaths.sanitize("a:b"));
    }

    @Test
    void shouldNameInProgressFilesRecognisably() {
        Path f = Path.of("/d/s/s_data_000001.h5");
        Path t = SeriesPaths.inProgress(f);
        assertEquals(".s_data_000001.h5.inprogress", t.getFileName().toString());
        assertTrue(SeriesPaths.isInProgress(t));
        assertFalse(SeriesPaths.isInProgress(f));
    }
}
