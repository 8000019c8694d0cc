package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesSummaryTest {
    @TempDir
    Path root;

    @Test
    void shouldSummariseCountsRulesAndCompressionFromMasterFile() throws Exception {
        Hdf5SinkSettings st = new Hdf5SinkSettings(root.toString(), "bt", 4, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        NexusSeriesWriter w = NexusSeriesWriter.start(st, "sum", "{}");
        long kept = 0;
        long vetoed = 0;
        for (long f = 1; f <= 12; f++) {
            w.frame(SeriesFixture.frame("sum", f));
            kept += SeriesFixture.decision(f) == Decision.KEEP ? 1 : 0;
            vetoed += SeriesFixture.decision(f) == Decision.VETO ? 1 : 0;
        }
        w.finish(14);
        for (Hdf5Committable c : w.drainCompleted()) {
            FilePublisher.publish(c);
        }
        SeriesSummary s = SeriesSummary.read(root.resolve("bt/sum/sum_master.h5"));
        assertEquals("sum", s.seriesId());
        assertEquals(12, s.framesReceived());
        assertEquals(2, s.framesMissing());
        assertEquals(kept, s.framesStored());
        assertEquals(vetoed, s.framesVetoed());
        assertEquals(12 - kept - vetoed, s.framesReducedOnly());
        assertEquals(vetoed, s.decisionsByRule().entrySet().stream()
                .filter(e -> e.getKey().startsWith("VETO veto-dark@v")).mapToLong(java.util.Map.Entry::getValue).sum());
        assertEquals("bslz4", s.compression());
        assertTrue(s.compressionRatio() > 1.5, "ratio " + s.compressionRatio());
        assertEquals((kept + 3) / 4, s.dataFiles().size());
        String text = s.format();
        assertTrue(text.contains("vetoed     " + vetoed), text);
        assertTrue(text.contains("64x48 uint16"), text);
        // the NXmx geometry, as DIALS and XDS find it
        assertTrue(text.contains("geometry     sensor Si 450 um, saturation 65535, wavelength 1.00000 A\n"
                + "             detector depends_on /entry/instrument/detector/transformations/translation:"
                + " 0.1000 m along (0, 0, 1)\n"
                + "             module fast (-1, 0, 0) slow (0, -1, 0), origin (2.400, 1.800) mm:"
                + " beam centre (32.0, 24.0) px on the beam\n"
                + "             sample omega about (-1, 0, 0) from 0.000 deg, 0.000 deg/frame, " + kept + " frames\n"),
                text);
    }

    @Test
    void shouldWriteAndSummariseSeriesWithoutFrames() throws Exception {
        Hdf5SinkSettings st = new Hdf5SinkSettings(root.toString(), "bt", 4, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        NexusSeriesWriter w = NexusSeriesWriter.start(st, "empty", "{}");
        w.finish(3);
        for (Hdf5Committable c : w.drainCompleted()) {
            FilePublisher.publish(c);
        }
        Path master = root.resolve("bt/empty/empty_master.h5");
        SeriesSummary s = SeriesSummary.read(master);
        assertEquals(0, s.framesReceived());
        assertEquals(3, s.framesMissing());
        assertEquals(0, s.dataFiles().size());
        assertTrue(SeriesFixture.h5dump(master.toString()).contains("frames_missing"));
    }

    @Test
    void shouldRejectFileThatIsNotAMasterWithClearMessage() throws Exception {
        Path p = root.resolve("junk_master.h5");
        Files.writeString(p, "not hdf5");
        IOException e = assertThrows(IOException.class, () -> SeriesSummary.read(p));
        assertTrue(e.getMessage().contains("not a readable Beamflow master file"), e.getMessage());
    }
}
