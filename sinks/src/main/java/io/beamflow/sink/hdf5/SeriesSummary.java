package io.beamflow.sink.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summary of a series read back from its NeXus master file (what {@code beamflow inspect} prints):
 * frame counts by decision, rules and versions that decided, compression, data files.
 *
 * @param seriesId          series id
 * @param startTime         ISO start time
 * @param endTime           ISO end time
 * @param framesReceived    frames with a reduction record
 * @param framesAnnounced   frames the sender announced (negative: unknown)
 * @param framesMissing     announced but never received
 * @param framesStored      frames whose pixels are in the data files
 * @param framesReducedOnly frames with reduced data only
 * @param framesVetoed      vetoed frames
 * @param framesRejected    frames whose pixels were rejected
 * @param decisionsByRule   frame count per "decision rule@version"
 * @param compression       frame compression
 * @param rawBytes          uncompressed bytes of stored frames
 * @param storedBytes       bytes of compressed chunks
 * @param dataFiles         data files linked from the master, with "(missing)" when absent
 * @param detector          detector description (shape, type, pixel size, distance, beam centre)
 * @param status            {@code ok}, or {@code failed} for a quarantined series (files written before 2026-11-26
 *                          have no status: {@code ok})
 * @param failureReason     why the series was quarantined; empty when it was not
 * @param framesQuarantined frames rejected because the series was quarantined (included in framesRejected)
 * @param geometry          the NXmx geometry DIALS and XDS use (sensor, detector and module axes, beam centre on
 *                          the beam, goniometer omega, wavelength); masters written before it say so
 */
public record SeriesSummary(String seriesId, String startTime, String endTime, long framesReceived,
                            long framesAnnounced, long framesMissing, long framesStored, long framesReducedOnly,
                            long framesVetoed, long framesRejected, Map<String, Long> decisionsByRule,
                            String compression, long rawBytes, long storedBytes, List<String> dataFiles,
                            String detector, String status, String failureReason, long framesQuarantined,
                            String geometry) {

    /** @return raw / stored bytes, 0 when nothing was stored */
    public double compressionRatio() {
        return storedBytes > 0 ? (double) rawBytes / storedBytes : 0;
    }

    /**
     * Reads a master file.
     *
     * @param master a {@code <series>_master.h5}
     * @return the summary
     * @throws IOException when the file is missing or not a Beamflow master file (with the reason)
     */
    public static SeriesSummary read(Path master) throws IOException {
        if (!Files.isRegularFile(master)) {
            throw new IOException("no such file: " + master);
        }
        try (HdfFile f = new HdfFile(master)) {
            Node red = f.getByPath("/entry/reduction");
            Map<String, Long> byRule = new TreeMap<>();
            Node decision = ((Group) red).getChildren().get("decision");
            if (decision instanceof Dataset) {
                Object d = ((Dataset) decision).getData();
                Object names = ((Dataset) f.getByPath("/entry/reduction/rule_name")).getData();
                Object versions = ((Dataset) f.getByPath("/entry/reduction/rule_version")).getData();
                for (int i = 0; i < Array.getLength(d); i++) {
                    String rule = String.valueOf(Array.get(names, i)).trim();
                    String key = String.valueOf(Array.get(d, i)).trim() + " "
                            + (rule.isEmpty() ? "(default)" : rule) + "@v" + Array.get(versions, i);
                    byRule.merge(key, 1L, Long::sum);
                }
            }
            // data files by name (the master maps them into its virtual dataset /entry/data/data, which this
            // reader does not open; masters of earlier releases linked them as data_NNNNNN, and say how many too)
            List<String> files = new ArrayList<>();
            long dataFiles = red.getAttribute("data_files") == null ? 0 : attr(red, "data_files");
            for (int i = 1; i <= dataFiles; i++) {
                Path p = master.resolveSibling(master.getFileName().toString()
                        .replace("_master.h5", String.format(Locale.ROOT, "_data_%06d.h5", i)));
                files.add(p.getFileName() + (Files.exists(p) ? "" : " (missing)"));
            }
            String det = "/entry/instrument/detector/";
            int[] shape = (int[]) ((Dataset) f.getByPath(det + "module_shape")).getData();
            String detector = String.format(Locale.ROOT, "%dx%d %s, pixel %.1f x %.1f um, distance %.4f m, beam centre (%.1f, %.1f) px",
                    shape[1], shape[0], str(f, det + "pixel_type"), 1e6 * num(f, det + "x_pixel_size"),
                    1e6 * num(f, det + "y_pixel_size"), num(f, det + "distance"), num(f, det + "beam_center_x"),
                    num(f, det + "beam_center_y"));
            return new SeriesSummary(str(f, "/entry/series_id"), str(f, "/entry/start_time"), str(f, "/entry/end_time"),
                    attr(red, "frames_received"), attr(red, "frames_announced"), attr(red, "frames_missing"),
                    attr(red, "frames_stored"), attr(red, "frames_reduced_only"), attr(red, "frames_vetoed"),
                    attr(red, "frames_rejected"), byRule, String.valueOf(red.getAttribute("compression").getData()),
                    attr(red, "raw_bytes"), attr(red, "stored_bytes"), files, detector,
                    optionalText(red, "status", "ok"), optionalText(red, "failure_reason", ""),
                    red.getAttribute("frames_quarantined") == null ? 0 : attr(red, "frames_quarantined"),
                    geometry(f));
        } catch (RuntimeException e) {
            throw new IOException("not a readable Beamflow master file: " + master + " (" + e.getMessage() + ")", e);
        }
    }

    /** The NXmx geometry in one line, or why there is none. */
    static String geometry(HdfFile f) {
        String det = NxmxMasterLayout.DETECTOR;
        Node transformations = optional(f, det + "/transformations");
        if (transformations == null) {
            return "none (master written before NXmx geometry)";
        }
        List<String> modules = new ArrayList<>();
        for (Map.Entry<String, Node> e : new TreeMap<>(((Group) f.getByPath(det)).getChildren()).entrySet()) {
            Attribute cls = e.getValue().getAttribute("NX_class");
            if (e.getValue().isGroup() && cls != null && "NXdetector_module".equals(String.valueOf(cls.getData()))) {
                modules.add(e.getKey());
            }
        }
        if (modules.isEmpty()) {
            return "none (no NXdetector_module)";
        }
        String mod = det + "/" + modules.get(0);
        Node fast = f.getByPath(mod + "/fast_pixel_direction");
        Node slow = f.getByPath(mod + "/slow_pixel_direction");
        Dataset omega = (Dataset) f.getByPath(NxmxMasterLayout.OMEGA_AXIS);
        double[] om = (double[]) omega.getData();
        Dataset increment = (Dataset) optional(f, "/entry/sample/transformations/omega_increment_set");
        double px = num(f, det + "/x_pixel_size");
        // the first module's first pixel relative to the beam: its axes' offset, plus its module_offset if any
        double[] off = ((double[]) fast.getAttribute("offset").getData()).clone();
        Node moduleOffset = optional(f, mod + "/module_offset");
        int[] first = (int[]) ((Dataset) f.getByPath(mod + "/data_origin")).getData();
        if (moduleOffset != null) {
            double[] v = (double[]) moduleOffset.getAttribute("vector").getData();
            double length = num(f, mod + "/module_offset");
            for (int i = 0; i < 3; i++) {
                off[i] += v[i] * length;
            }
        }
        StringBuilder layout = new StringBuilder();
        if (modules.size() > 1) {
            layout.append(String.format(Locale.ROOT, "%n             %d modules (data_origin y,x + data_size):",
                    modules.size()));
            for (String m : modules) {
                int[] o = (int[]) ((Dataset) f.getByPath(det + "/" + m + "/data_origin")).getData();
                int[] n = (int[]) ((Dataset) f.getByPath(det + "/" + m + "/data_size")).getData();
                layout.append(String.format(Locale.ROOT, " %s %d,%d+%dx%d", m, o[0], o[1], n[0], n[1]));
            }
        }
        return String.format(Locale.ROOT, "sensor %s %.0f um, saturation %s, wavelength %.5f A%n"
                        + "             detector depends_on %s: %.4f m along %s%n"
                        + "             module fast %s slow %s, origin (%.3f, %.3f) mm: beam centre (%.1f, %.1f) px"
                        + " on the beam%s%n"
                        + "             sample omega about %s from %.3f deg, %.3f deg/frame, %d frames",
                str(f, det + "/sensor_material"), 1e6 * num(f, det + "/sensor_thickness"),
                ((Dataset) f.getByPath(det + "/saturation_value")).getData(),
                num(f, "/entry/instrument/beam/incident_wavelength"), str(f, det + "/depends_on"),
                num(f, NxmxMasterLayout.DISTANCE_AXIS), vector(f.getByPath(NxmxMasterLayout.DISTANCE_AXIS)),
                vector(fast), vector(slow), 1e3 * off[0], 1e3 * off[1], first[1] + off[0] / px,
                first[0] + off[1] / num(f, det + "/y_pixel_size"), layout, vector(omega), om.length > 0 ? om[0] : 0.0,
                increment == null ? 0.0 : ((Number) increment.getData()).doubleValue(), om.length)
                + String.format(Locale.ROOT, "%n             pixel mask %s", pixelMask(f, det + "/pixel_mask"));
    }

    /** @return how many pixels the master's pixel mask marks, by DECTRIS bit meaning */
    static String pixelMask(HdfFile f, String path) {
        Node n = optional(f, path);
        if (!(n instanceof Dataset mask)) {
            return "none";
        }
        long total = 0;
        long[] bits = new long[5];
        long other = 0;
        try {
            Object data = mask.getData();
            if (data == null) {
                return "empty (no pixel masked)"; // declared without storage: every pixel the fill value, 0
            }
            for (int y = 0; y < Array.getLength(data); y++) {
                Object row = Array.get(data, y);
                for (int x = 0; x < Array.getLength(row); x++) {
                    long v = ((Number) Array.get(row, x)).longValue();
                    if (v != 0) {
                        total++;
                        for (int b = 0; b < bits.length; b++) {
                            bits[b] += (v >> b) & 1;
                        }
                        other += (v & ~0x1FL) != 0 ? 1 : 0;
                    }
                }
            }
        } catch (RuntimeException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        return total == 0 ? "empty (no pixel masked)" : String.format(Locale.ROOT,
                "%d pixels masked: gap %d, dead %d, under-responding %d, over-responding %d, noisy %d, other bits %d",
                total, bits[0], bits[1], bits[2], bits[3], bits[4], other);
    }

    private static String vector(Node n) {
        double[] v = (double[]) n.getAttribute("vector").getData();
        return String.format(Locale.ROOT, "(%s, %s, %s)", compact(v[0]), compact(v[1]), compact(v[2]));
    }

    private static String compact(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static Node optional(HdfFile f, String path) {
        try {
            return f.getByPath(path);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long attr(Node n, String name) {
        Attribute a = n.getAttribute(name);
        if (a == null) {
            throw new IllegalArgumentException("attribute " + n.getPath() + "@" + name + " missing");
        }
        return ((Number) a.getData()).longValue();
    }

    private static String optionalText(Node n, String name, String absent) {
        Attribute a = n.getAttribute(name);
        return a == null ? absent : String.valueOf(a.getData()).trim();
    }

    private static String str(HdfFile f, String path) {
        return String.valueOf(((Dataset) f.getByPath(path)).getData());
    }

    private static double num(HdfFile f, String path) {
        return ((Number) ((Dataset) f.getByPath(path)).getData()).doubleValue();
    }

    /** @return the human-readable report printed by {@code beamflow inspect} */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "series       %s%n", seriesId));
        b.append(String.format(Locale.ROOT, "time         %s .. %s%n", startTime, endTime));
        b.append(String.format(Locale.ROOT, "status       %s%s%n", status,
                failureReason.isEmpty() ? "" : " (" + failureReason + ")"));
        b.append(String.format(Locale.ROOT, "frames       %d received, %d announced, %d missing%n",
                framesReceived, framesAnnounced, framesMissing));
        b.append(String.format(Locale.ROOT, "  kept       %d (pixels stored)%n", framesStored));
        b.append(String.format(Locale.ROOT, "  reduced    %d (reduced data only)%n", framesReducedOnly));
        b.append(String.format(Locale.ROOT, "  vetoed     %d%n", framesVetoed));
        b.append(String.format(Locale.ROOT, "  rejected   %d%s%n", framesRejected,
                framesQuarantined > 0 ? " (" + framesQuarantined + " of them quarantined)" : ""));
        b.append("rules        decision rule@version: frames\n");
        for (Map.Entry<String, Long> e : decisionsByRule.entrySet()) {
            b.append(String.format(Locale.ROOT, "             %s: %d%n", e.getKey(), e.getValue()));
        }
        b.append(String.format(Locale.ROOT, "compression  %s, ratio %.2f (%.1f MB raw -> %.1f MB stored)%n",
                compression, compressionRatio(), rawBytes / 1e6, storedBytes / 1e6));
        b.append(String.format(Locale.ROOT, "detector     %s%n", detector));
        b.append(String.format(Locale.ROOT, "geometry     %s%n", geometry));
        b.append(String.format(Locale.ROOT, "data files   %d%n", dataFiles.size()));
        for (String file : dataFiles) {
            b.append("             ").append(file).append('\n');
        }
        return b.toString();
    }
}
