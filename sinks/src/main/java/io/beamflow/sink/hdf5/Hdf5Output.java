package io.beamflow.sink.hdf5;

import io.beamflow.core.config.SinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the HDF5 sink has committed: scans {@code <outputRoot>/<beamtime>/} (or, with a beamtime store, every
 * beamtime's {@code <outputRoot>/<year>/data/<id>/raw/}) for final master files.
 */
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
        boolean asap3 = s.beamtimes() != null;
        Path top = asap3 ? Path.of(s.outputRoot()).toAbsolutePath().normalize()
                : SeriesPaths.of(s, "x").seriesDir().getParent();
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(top)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(top, asap3 ? 6 : 2)) {
            files.filter(p -> p.getFileName().toString().endsWith("_master.h5") && !SeriesPaths.isInProgress(p))
                    .filter(p -> !asap3 || p.getParent().getParent().getFileName().toString().equals(BeamtimeLayout.RAW))
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
