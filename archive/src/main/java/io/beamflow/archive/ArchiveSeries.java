package io.beamflow.archive;

import java.nio.file.Path;
import java.util.List;

/**
 * A closed series found on the beamline filesystem.
 *
 * @param key   {@code <beamtime>/<seriesId>}, or {@code <year>/data/<beamtime-id>/raw/<seriesId>} in the ASAP3 layout
 * @param dir   the series directory
 * @param files its files, master file last
 */
public record ArchiveSeries(String key, Path dir, List<SeriesFile> files) {
    /** @return total bytes of the series */
    public long sizeBytes() {
        return files.stream().mapToLong(SeriesFile::sizeBytes).sum();
    }

    /**
     * @param relPath a file's path relative to the beamline root
     * @return the series key of that path: its first two segments, or five in the ASAP3 layout
     *         ({@code <year>/data/<beamtime-id>/raw/<seriesId>})
     */
    public static String keyOf(String relPath) {
        String[] seg = relPath.split("/", -1);
        if (seg.length > 5 && seg[0].matches("[0-9]{4}") && seg[1].equals("data") && seg[3].equals("raw")) {
            return String.join("/", java.util.Arrays.copyOf(seg, 5));
        }
        int first = relPath.indexOf('/');
        int second = first < 0 ? -1 : relPath.indexOf('/', first + 1);
        if (second < 0) {
            throw new IllegalArgumentException("not a series file path: " + relPath);
        }
        return relPath.substring(0, second);
    }

    /**
     * Whether a series key matches a user's selection: the full key {@code beamtime/seriesId}, just the
     * series id, or a beamtime (every series of {@code <beamtime>/...}, or of {@code <year>/data/<beamtime>/raw/...}).
     *
     * @param key       series key
     * @param selection null (everything), a key, a series id or a beamtime
     * @return true when selected
     */
    public static boolean matches(String key, String selection) {
        if (selection == null || selection.isEmpty()) {
            return true;
        }
        return key.equals(selection) || key.endsWith("/" + selection) || key.startsWith(selection + "/")
                || key.contains("/data/" + selection + "/raw/");
    }
}
