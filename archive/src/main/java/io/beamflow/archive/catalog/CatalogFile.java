package io.beamflow.archive.catalog;

import io.beamflow.archive.FileChecksums;

/**
 * A file as recorded in the archive catalog.
 *
 * @param path          path relative to the beamline root (catalog key, path on the targets)
 * @param series        series key {@code <beamtime>/<seriesId>}
 * @param sizeBytes     size
 * @param checksums     checksums recorded when the file was first copied
 * @param sourceMtimeMs modification time of the source when registered, epoch ms
 * @param registeredMs  when it was registered, epoch ms
 * @param purgedMs      when it was removed from the beamline filesystem, or null
 */
public record CatalogFile(String path, String series, long sizeBytes, FileChecksums checksums,
        long sourceMtimeMs, long registeredMs, Long purgedMs) {
    /** @return true when purged from the beamline filesystem */
    public boolean purged() {
        return purgedMs != null;
    }
}
