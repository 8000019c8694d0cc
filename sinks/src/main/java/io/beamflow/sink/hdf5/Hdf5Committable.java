package io.beamflow.sink.hdf5;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A finished file waiting to be published: rename {@code tempPath} to {@code finalPath}. Immutable.
 * Committing is idempotent (a file already under its final name counts as committed).
 *
 * @param seriesId  series the file belongs to
 * @param tempPath  in-progress path the file was written under
 * @param finalPath path it gets when the covering checkpoint completes
 * @param bytes     file size when it was closed (checked before renaming)
 */
public record Hdf5Committable(String seriesId, String tempPath, String finalPath, long bytes) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** @return the in-progress path */
    public Path temp() {
        return Path.of(tempPath);
    }

    /** @return the final path */
    public Path target() {
        return Path.of(finalPath);
    }

    /** @return whether this is a series master file (committed after its data files) */
    public boolean isMaster() {
        return finalPath.endsWith("_master.h5");
    }
}
