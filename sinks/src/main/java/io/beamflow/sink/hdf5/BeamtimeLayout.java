package io.beamflow.sink.hdf5;

import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeValidator;
import java.nio.file.Path;

/**
 * The ASAP3 layout of a beamtime on the beamline filesystem:
 * {@code <root>/<year>/data/<beamtime-id>/} holding {@code beamtime-metadata-<id>.json}, {@code raw/} (what the
 * detector took: one directory per series, read-only for the beamtime's people), {@code processed/} (reduced-only
 * outputs and exports), {@code shared/} and {@code scratch_cc/} (writable by the beamtime's people).
 */
public final class BeamtimeLayout {
    /** Name of the raw-data directory. */
    public static final String RAW = "raw";
    /** Name of the processed-data directory. */
    public static final String PROCESSED = "processed";
    /** Name of the shared directory. */
    public static final String SHARED = "shared";
    /** Name of the scratch directory (ASAP3's {@code scratch_cc}). */
    public static final String SCRATCH = "scratch_cc";

    private final Path beamtimeDir;
    private final String id;

    private BeamtimeLayout(Path beamtimeDir, String id) {
        this.beamtimeDir = beamtimeDir;
        this.id = id;
    }

    /**
     * @param root output root of the beamline filesystem
     * @param b    the beamtime (its id is checked again: it becomes a directory name)
     * @return its layout
     * @throws IllegalArgumentException when the id is not a safe directory name
     */
    public static BeamtimeLayout of(Path root, Beamtime b) {
        if (!BeamtimeValidator.ID.matcher(b.id()).matches()) {
            throw new IllegalArgumentException("beamtime id is not a safe directory name: " + b.id());
        }
        Path r = root.toAbsolutePath().normalize();
        return new BeamtimeLayout(r.resolve(Integer.toString(b.year())).resolve("data").resolve(b.id()), b.id());
    }

    /** @return {@code <root>/<year>/data/<id>} */
    public Path beamtimeDir() {
        return beamtimeDir;
    }

    /** @return {@code raw/}: one directory per series */
    public Path raw() {
        return beamtimeDir.resolve(RAW);
    }

    /** @return {@code processed/} */
    public Path processed() {
        return beamtimeDir.resolve(PROCESSED);
    }

    /** @return {@code shared/} */
    public Path shared() {
        return beamtimeDir.resolve(SHARED);
    }

    /** @return {@code scratch_cc/} */
    public Path scratch() {
        return beamtimeDir.resolve(SCRATCH);
    }

    /** @return {@code beamtime-metadata-<id>.json} at the top of the beamtime */
    public Path metadataFile() {
        return beamtimeDir.resolve("beamtime-metadata-" + id + ".json");
    }

    /**
     * @param seriesId series id as sent by the detector (untrusted, sanitised)
     * @return the series' paths under {@code raw/}
     */
    public SeriesPaths series(String seriesId) {
        return SeriesPaths.under(raw(), seriesId);
    }
}
