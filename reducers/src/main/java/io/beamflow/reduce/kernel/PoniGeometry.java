package io.beamflow.reduce.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detector geometry in pyFAI's PONI convention: sample-detector distance, point of normal incidence
 * (PONI1 along the slow axis y, PONI2 along the fast axis x, metres from the detector corner),
 * rotations rot1-rot3 (radians) and pixel sizes (metres); wavelength in metres.
 *
 * @param distanceM   distance from sample to PONI
 * @param poni1M      PONI coordinate along the slow axis
 * @param poni2M      PONI coordinate along the fast axis
 * @param rot1        rotation 1 (radians)
 * @param rot2        rotation 2 (radians)
 * @param rot3        rotation 3 (radians)
 * @param pixel1M     pixel size along the slow axis
 * @param pixel2M     pixel size along the fast axis
 * @param wavelengthM wavelength (0 if unknown: q units are then unavailable)
 */
public record PoniGeometry(double distanceM, double poni1M, double poni2M, double rot1, double rot2, double rot3,
        double pixel1M, double pixel2M, double wavelengthM) {

    private static final Pattern PIXEL1 = Pattern.compile("\"pixel1\"\\s*:\\s*([-+0-9.eE]+)");
    private static final Pattern PIXEL2 = Pattern.compile("\"pixel2\"\\s*:\\s*([-+0-9.eE]+)");

    /**
     * Reads a pyFAI {@code .poni} file (format version 1 with PixelSize1/2 or version 2 with a
     * {@code Detector_config} JSON holding pixel1/pixel2).
     *
     * @param file the file
     * @return the geometry
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    public static PoniGeometry read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PONI file " + file, e);
        }
    }

    /**
     * @param text   PONI file content
     * @param source name for error messages
     * @return the geometry
     */
    public static PoniGeometry parse(String text, String source) {
        Map<String, String> kv = new HashMap<>();
        for (String line : text.split("\\R")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int colon = t.indexOf(':');
            if (colon > 0) {
                kv.put(t.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), t.substring(colon + 1).strip());
            }
        }
        double pixel1;
        double pixel2;
        if (kv.containsKey("pixelsize1")) {
            pixel1 = number(kv, "pixelsize1", source);
            pixel2 = number(kv, "pixelsize2", source);
        } else {
            String cfg = kv.getOrDefault("detector_config", "");
            pixel1 = jsonNumber(PIXEL1, cfg, "pixel1", source);
            pixel2 = jsonNumber(PIXEL2, cfg, "pixel2", source);
        }
        double wavelength = kv.containsKey("wavelength") ? number(kv, "wavelength", source) : 0;
        return new PoniGeometry(number(kv, "distance", source), number(kv, "poni1", source),
                number(kv, "poni2", source), number(kv, "rot1", source), number(kv, "rot2", source),
                number(kv, "rot3", source), pixel1, pixel2, wavelength);
    }

    private static double number(Map<String, String> kv, String key, String source) {
        String v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException(source + ": missing '" + key + "'");
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": '" + key + "' is not a number: " + v, e);
        }
    }

    private static double jsonNumber(Pattern p, String json, String key, String source) {
        Matcher m = p.matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException(source + ": no PixelSize or Detector_config with '" + key + "'");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * Scattering angle 2θ (radians) at the centre of pixel (row, col), as pyFAI computes it.
     *
     * @param row slow-axis index
     * @param col fast-axis index
     * @return 2θ in radians
     */
    public double twoTheta(int row, int col) {
        double p1 = (row + 0.5) * pixel1M - poni1M;
        double p2 = (col + 0.5) * pixel2M - poni2M;
        double l = distanceM;
        double c1 = Math.cos(rot1);
        double c2 = Math.cos(rot2);
        double c3 = Math.cos(rot3);
        double s1 = Math.sin(rot1);
        double s2 = Math.sin(rot2);
        double s3 = Math.sin(rot3);
        double t1 = p1 * c2 * c3 + p2 * (c3 * s1 * s2 - c1 * s3) - l * (c1 * c3 * s2 + s1 * s3);
        double t2 = p1 * c2 * s3 + p2 * (c1 * c3 + s1 * s2 * s3) - l * (-c3 * s1 + c1 * s2 * s3);
        double t3 = p1 * s2 - p2 * c2 * s1 + l * c1 * c2;
        return Math.atan2(Math.sqrt(t1 * t1 + t2 * t2), t3);
    }
}
