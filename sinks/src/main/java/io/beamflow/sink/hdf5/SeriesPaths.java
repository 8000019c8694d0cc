package io.beamflow.sink.hdf5;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * File and directory names of a series: {@code <root>/<beamtime>/<series>/<series>_master.h5} and
 * {@code <series>_data_000001.h5}, ...; in-progress files are {@code .<name>.inprogress}.
 *
 * <p>Names derived from series ids and beamtimes are sanitised: only {@code [A-Za-z0-9._-]} are kept
 * (others become {@code _}), leading dots are removed (no {@code ..}, no hidden files), and an id that
 * had to be changed gets a short hash of the original so that two different ids never share a name.
 */
public final class SeriesPaths {
    /** Suffix of files not yet committed. */
    public static final String IN_PROGRESS_SUFFIX = ".inprogress";
    private static final int MAX_NAME = 96;

    private final Path seriesDir;
    private final String name;

    private SeriesPaths(Path seriesDir, String name) {
        this.seriesDir = seriesDir;
        this.name = name;
    }

    /**
     * @param settings sink settings (output root, beamtime)
     * @param seriesId series id as sent by the detector (untrusted)
     * @return the paths of this series
     */
    public static SeriesPaths of(Hdf5SinkSettings settings, String seriesId) {
        Path root = Path.of(settings.outputRoot()).toAbsolutePath().normalize();
        return under(root.resolve(sanitize(settings.beamtime())), seriesId);
    }

    /**
     * @param parent   the directory holding series directories (e.g. a beamtime's {@code raw/})
     * @param seriesId series id as sent by the detector (untrusted)
     * @return the paths of this series in {@code parent}
     */
    public static SeriesPaths under(Path parent, String seriesId) {
        Path beamtimeDir = parent.toAbsolutePath().normalize();
        String name = sanitize(seriesId);
        Path dir = beamtimeDir.resolve(name).normalize();
        if (!dir.startsWith(beamtimeDir) || dir.equals(beamtimeDir)) {
            throw new IllegalArgumentException("series id escapes the output directory: " + seriesId);
        }
        return new SeriesPaths(dir, name);
    }

    /**
     * @param seriesDir a series directory chosen earlier (restored from a checkpoint)
     * @param seriesId  series id
     * @return the paths of this series in that directory
     */
    static SeriesPaths at(Path seriesDir, String seriesId) {
        return new SeriesPaths(seriesDir, sanitize(seriesId));
    }

    /**
     * @param raw untrusted name
     * @return a safe file name component
     */
    public static String sanitize(String raw) {
        String s = raw == null ? "" : raw;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        while (b.length() > 0 && b.charAt(0) == '.') {
            b.deleteCharAt(0);
        }
        String clean = b.toString();
        if (clean.length() > MAX_NAME) {
            clean = clean.substring(0, MAX_NAME);
        }
        if (clean.isEmpty()) {
            clean = "series";
        }
        if (!clean.equals(s)) {
            clean = clean + "-" + shortHash(s);
        }
        return clean;
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder h = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                h.append(String.format("%02x", d[i] & 0xff));
            }
            return h.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return directory of the series */
    public Path seriesDir() {
        return seriesDir;
    }

    /** @return sanitised series name used in file names */
    public String name() {
        return name;
    }

    /** @return final path of the master file */
    public Path master() {
        return seriesDir.resolve(name + "_master.h5");
    }

    /**
     * @param index 1-based data file number
     * @return final path of that data file
     */
    public Path dataFile(int index) {
        return seriesDir.resolve(dataFileName(index));
    }

    /** @return file name of a data file, as used in the master's external links */
    public String dataFileName(int index) {
        return String.format("%s_data_%06d.h5", name, index);
    }

    /**
     * @param finalPath a final file path
     * @return its in-progress path: {@code .<name>.inprogress} in the same directory
     */
    public static Path inProgress(Path finalPath) {
        return finalPath.resolveSibling("." + finalPath.getFileName() + IN_PROGRESS_SUFFIX);
    }

    /**
     * @param file any file name
     * @return whether it is an uncommitted (in-progress) file of this sink
     */
    public static boolean isInProgress(Path file) {
        String n = file.getFileName().toString();
        return n.startsWith(".") && n.endsWith(IN_PROGRESS_SUFFIX);
    }
}
