package io.beamflow.archive.catalog;

import java.util.List;

/**
 * A committed file of a series with its size and ADLER32 as computed at commit, and its archive copies.
 *
 * @param path      path relative to the beamline root (the archive's file key)
 * @param seriesKey its series
 * @param sizeBytes size
 * @param adler32   ADLER32, 8 lower-case hex digits (dCache's checksum)
 * @param copies    its copies on archive targets (from the archive's tables; empty before migration)
 */
public record CatalogSeriesFile(String path, String seriesKey, long sizeBytes, String adler32,
                                List<CatalogCopy> copies) {
    /** Copies the list. */
    public CatalogSeriesFile {
        copies = copies == null ? List.of() : List.copyOf(copies);
    }
}
