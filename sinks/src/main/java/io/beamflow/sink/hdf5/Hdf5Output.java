package io.beamflow.sink.hdf5;

import io.beamflow.core.config.SinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the HDF5 sink has committed: scans {@code <outputRoot>/<beamtime>/} for final master files. */
public final class Hdf5Output {
    private Hdf5Output() {
    }

    /**
     * @param config the sink configuration the job ran with
     * @return committed master files ({@code <series>_master.h5} under their final names), sorted
     * @throws IOException when the directory cannot be listed
     */
    public static List<Path> committedMasters(SinkConfig config) throws IOException {
        Hdf5SinkSettings s = Hdf5SinkSettings.of(config);
        Path beamtime = SeriesPaths.of(s, "x").seriesDir().getParent();
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(beamtime)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(beamtime, 2)) {
            files.filter(p -> p.getFileName().toString().endsWith("_master.h5") && !SeriesPaths.isInProgress(p))
                    .sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * @param seriesDir a series directory
     * @return whether the series is closed: its master is committed and no in-progress file remains
     * @throws IOException when the directory cannot be listed
     */
    public static boolean isSeriesClosed(Path seriesDir) throws IOException {
        boolean master = false;
        try (Stream<Path> files = Files.list(seriesDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (SeriesPaths.isInProgress(p)) {
                    return false;
                }
                master |= p.getFileName().toString().endsWith("_master.h5");
            }
        }
        return master;
    }
}
