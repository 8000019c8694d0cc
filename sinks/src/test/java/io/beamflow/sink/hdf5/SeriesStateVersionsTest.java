package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.Decision;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Series state version 3 records each closed data file's frame count (the rows of the master's virtual dataset);
 * a version-2 snapshot (releases up to d64993f: version 3 without that trailing list) still restores, and the
 * finished series maps every frame.
 */
class SeriesStateVersionsTest {
    @TempDir
    Path root;

    @Test
    void aVersion2SnapshotResumesAndItsMasterMapsEveryFrame() throws Exception {
        Hdf5SinkSettings settings = new Hdf5SinkSettings(root.toString(), "bt", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        NexusSeriesWriter w = NexusSeriesWriter.start(settings, "up", "{}");
        for (long f = 1; f <= 13; f++) { // kept 1 2 4 | 7 8 11 | 13: two closed data files, one open
            w.frame(SeriesFixture.frame("up", f));
        }
        byte[] v3 = w.snapshot();
        w.release();
        assertEquals(4, v3[4], "version written");
        v3 = Arrays.copyOf(v3, v3.length - 4); // version 4 without its trailing series directory (null) is version 3
        v3[4] = 3;
        assertEquals(List.of(3L, 3L), NexusSeriesStateCodec.decode(v3).closedFileFrames);

        byte[] v2 = Arrays.copyOf(v3, v3.length - 4 - 2 * 8);
        v2[4] = 2;
        assertEquals(List.of(3L, 3L), NexusSeriesStateCodec.decode(v2).closedFileFrames, "derived for version 2");

        NexusSeriesWriter resumed = NexusSeriesWriter.resume(settings, v2);
        for (Hdf5Committable c : resumed.drainCompleted()) {
            FilePublisher.publish(c);
        }
        for (long f = 14; f <= 20; f++) {
            resumed.frame(SeriesFixture.frame("up", f));
        }
        resumed.finish(20);
        for (Hdf5Committable c : resumed.drainCompleted()) {
            FilePublisher.publish(c);
        }
        JsonNode j = SeriesFixture.readWithH5py(root.resolve("bt/up/up_master.h5"));
        int kept = 0;
        for (long f = 1; f <= 20; f++) {
            if (SeriesFixture.decision(f) == Decision.KEEP) {
                kept++;
                assertEquals(SeriesFixture.sha1(SeriesFixture.pixels(f)), j.at("/frames/" + f).asText(), "frame " + f);
            }
        }
        assertEquals(kept, j.get("frames").size());
        assertEquals(4, j.get("data_files").size());
    }
}
