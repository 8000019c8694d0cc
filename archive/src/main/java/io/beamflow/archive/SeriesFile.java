package io.beamflow.archive;

import java.nio.file.Path;

/**
 * One file of a series on the beamline filesystem.
 *
 * @param relPath     path relative to the beamline root, with {@code /} separators
 *                    ({@code <beamtime>/<seriesId>/<file>}); the catalog key and the path on every target
 * @param source      the file on the beamline filesystem
 * @param sizeBytes   size when scanned
 * @param mtimeMs     modification time when scanned, epoch milliseconds
 */
public record SeriesFile(String relPath, Path source, long sizeBytes, long mtimeMs) {
}
