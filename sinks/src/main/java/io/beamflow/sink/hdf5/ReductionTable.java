package io.beamflow.sink.hdf5;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.core.result.FrameFeatures;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The reduced data of every frame in a series' master, {@code /entry/reduction}: one list of columns, each a name, an
 * element type and an extractor that takes the column's value from the frame. A column has one row per frame (a
 * scalar, or an array of the series' ROI sums or radial profile bins), or one row per peak of the frame
 * ({@code peaks/*}, with {@code peak_start} and {@code peak_count} pointing into them). Each column is a growing
 * chunked dataset (deflate, at most {@value #MAX_ROWS_PER_CHUNK} rows or {@value #REDUCTION_CHUNK_BYTES} bytes a
 * chunk).
 */
final class ReductionTable {
    static final String GROUP = "/entry/reduction";
    static final int REDUCTION_CHUNK_BYTES = 256 * 1024;
    static final int MAX_ROWS_PER_CHUNK = 4096;
    static final int RULE_NAME_BYTES = 64;
    static final int DECISION_BYTES = 16;

    /** How many rows a column gets per frame. */
    enum Rows {
        /** One scalar per frame. */
        SCALAR,
        /** One array per frame (fixed length for the series). */
        ARRAY,
        /** One scalar per peak of the frame. */
        PER_PEAK
    }

    /**
     * One frame as the table sees it.
     *
     * @param result    the frame's result
     * @param features  its features (empty when it had none)
     * @param stored    whether its pixels were stored
     * @param dataFile  number of the data file holding its pixels (0: none)
     * @param peaks     peaks recorded (the shortest of the peak arrays)
     * @param peakStart index of its first peak in {@code peaks/*}
     */
    record Frame(FrameResult result, FrameFeatures features, boolean stored, int dataFile, int peaks, long peakStart) {
    }

    /** Puts a column's value for a frame (for {@link Rows#PER_PEAK}: of its peak {@code i}) into the row buffer. */
    interface Extractor {
        void put(Frame frame, int i, ByteBuffer row);
    }

    /**
     * A column.
     *
     * @param name        dataset name under {@link #GROUP}
     * @param type        element type
     * @param rows        rows per frame
     * @param width       elements per row (1 but for arrays)
     * @param units       {@code units} attribute, or {@code null}
     * @param description {@code description} attribute, or {@code null}
     * @param value       the extractor
     */
    record Column(String name, H5Type type, Rows rows, int width, String units, String description, Extractor value) {
        static Column scalar(String name, H5Type type, Extractor value) {
            return new Column(name, type, Rows.SCALAR, 1, null, null, value);
        }

        Column units(String u) {
            return new Column(name, type, rows, width, u, description, value);
        }

        Column description(String d) {
            return new Column(name, type, rows, width, units, d, value);
        }
    }

    private final Hdf5FileWriter master;
    private final List<String> roiNames;
    /** {@link #roiNames} as a set, to compare each frame's ROIs with (made once, not per frame). */
    private final Set<String> roiSet;
    private final int radialBins;
    private final List<Column> columns;
    private final ChunkedDataset[] datasets;
    private final byte[][] rowBuffers;

    private ReductionTable(Hdf5FileWriter master, List<String> roiNames, int radialBins, boolean create) {
        this.master = master;
        this.roiNames = List.copyOf(roiNames);
        this.roiSet = Set.copyOf(this.roiNames);
        this.radialBins = radialBins;
        this.columns = columns(this.roiNames, radialBins);
        this.datasets = new ChunkedDataset[columns.size()];
        this.rowBuffers = new byte[columns.size()][];
        for (int c = 0; c < columns.size(); c++) {
            Column col = columns.get(c);
            String path = GROUP + "/" + col.name();
            if (create) {
                int rows = col.rows() == Rows.ARRAY
                        ? (int) Math.max(1, Math.min(MAX_ROWS_PER_CHUNK,
                                REDUCTION_CHUNK_BYTES / ((long) col.width() * col.type().size())))
                        : MAX_ROWS_PER_CHUNK;
                long[] rowDims = col.rows() == Rows.ARRAY ? new long[] {col.width()} : new long[0];
                datasets[c] = master.chunkedDataset(path, col.type(), rowDims, rows, Compression.DEFLATE);
            } else {
                datasets[c] = master.chunked(path);
            }
            // a resumed series keeps the row size it was created with (string columns of earlier releases)
            rowBuffers[c] = new byte[datasets[c].rowBytes()];
        }
    }

    /** Declares the table's datasets in the master. */
    static ReductionTable create(Hdf5FileWriter master, List<String> roiNames, int radialBins) {
        return new ReductionTable(master, roiNames, radialBins, true);
    }

    /** Opens the table's datasets of a resumed master. */
    static ReductionTable open(Hdf5FileWriter master, List<String> roiNames, int radialBins) {
        return new ReductionTable(master, roiNames, radialBins, false);
    }

    /** The columns of a series with these ROIs and radial bins, in the order their datasets are created. */
    static List<Column> columns(List<String> roiNames, int radialBins) {
        List<Column> c = new ArrayList<>();
        c.add(Column.scalar("frame_number", H5Type.INT64, (f, i, b) -> b.putLong(f.result().frameNumber)));
        c.add(Column.scalar("acquisition_time_ns", H5Type.INT64, (f, i, b) -> b.putLong(f.result().acquisitionTimeNs))
                .units("ns"));
        c.add(Column.scalar("receive_time_ns", H5Type.INT64, (f, i, b) -> b.putLong(f.result().receiveTimeNs))
                .units("ns"));
        c.add(Column.scalar("sum", H5Type.FLOAT64, (f, i, b) -> b.putDouble(f.features().sum)));
        c.add(Column.scalar("max", H5Type.FLOAT64, (f, i, b) -> b.putDouble(f.features().max)));
        c.add(Column.scalar("mean", H5Type.FLOAT64, (f, i, b) -> b.putDouble(f.features().mean)));
        c.add(Column.scalar("saturated_pixels", H5Type.INT64, (f, i, b) -> b.putLong(f.features().saturatedPixels)));
        c.add(Column.scalar("decision", H5Type.string(DECISION_BYTES),
                (f, i, b) -> text(f.result().decision == null ? "" : f.result().decision.name(), b)));
        c.add(Column.scalar("rule_name", H5Type.string(RULE_NAME_BYTES),
                (f, i, b) -> text(f.result().ruleName == null ? "" : f.result().ruleName, b)));
        c.add(Column.scalar("rule_version", H5Type.INT64, (f, i, b) -> b.putLong(f.result().ruleVersion)));
        c.add(Column.scalar("pixels_stored", H5Type.UINT8, (f, i, b) -> b.put((byte) (f.stored() ? 1 : 0))));
        c.add(Column.scalar("data_file", H5Type.INT32, (f, i, b) -> b.putInt(f.dataFile())));
        c.add(Column.scalar("incomplete", H5Type.UINT8, (f, i, b) -> b.put((byte) (f.result().incomplete ? 1 : 0))));
        c.add(Column.scalar("peak_count", H5Type.INT32, (f, i, b) -> b.putInt(f.peaks())));
        c.add(Column.scalar("peak_start", H5Type.INT64, (f, i, b) -> b.putLong(f.peakStart()))
                .description("index of the frame's first peak in peaks/*"));
        if (!roiNames.isEmpty()) {
            c.add(new Column("roi_sums", H5Type.FLOAT64, Rows.ARRAY, roiNames.size(), null, null, (f, i, b) -> {
                for (String name : roiNames) {
                    Double v = f.features().roiSums.get(name);
                    b.putDouble(v == null ? Double.NaN : v);
                }
            }));
        }
        if (radialBins > 0) {
            c.add(new Column("radial_profile", H5Type.FLOAT32, Rows.ARRAY, radialBins, null, null, (f, i, b) -> {
                float[] p = f.features().radialProfile;
                for (int k = 0; k < radialBins; k++) {
                    b.putFloat(k < p.length ? p[k] : Float.NaN);
                }
            }));
        }
        c.add(new Column("peaks/frame_number", H5Type.INT64, Rows.PER_PEAK, 1, null, null,
                (f, i, b) -> b.putLong(f.result().frameNumber)));
        c.add(new Column("peaks/x", H5Type.FLOAT32, Rows.PER_PEAK, 1, null, null,
                (f, i, b) -> b.putFloat(f.features().peakX[i])));
        c.add(new Column("peaks/y", H5Type.FLOAT32, Rows.PER_PEAK, 1, null, null,
                (f, i, b) -> b.putFloat(f.features().peakY[i])));
        c.add(new Column("peaks/intensity", H5Type.FLOAT32, Rows.PER_PEAK, 1, null, null,
                (f, i, b) -> b.putFloat(f.features().peakIntensity[i])));
        return c;
    }

    /** @return peaks of a frame that can be recorded: the shortest of its peak arrays */
    static int peakCount(FrameFeatures f) {
        return Math.min(f.peakX.length, Math.min(f.peakY.length, f.peakIntensity.length));
    }

    /**
     * Appends a frame's rows: the scalar columns, then its peaks, then the array columns (the order in which full
     * chunks reach the file).
     *
     * @return how many of the frame's features disagree with the series' columns (peak arrays of different lengths,
     *         other ROIs, another number of radial bins)
     */
    int append(Frame frame) throws IOException {
        for (Rows kind : new Rows[] {Rows.SCALAR, Rows.PER_PEAK, Rows.ARRAY}) {
            for (int c = 0; c < columns.size(); c++) {
                Column col = columns.get(c);
                if (col.rows() != kind) {
                    continue;
                }
                if (kind == Rows.PER_PEAK) {
                    appendPeaks(c, col, frame);
                } else {
                    byte[] row = rowBuffers[c];
                    Arrays.fill(row, (byte) 0);
                    col.value().put(frame, 0, ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN));
                    master.appendRows(datasets[c], row, 0, 1);
                }
            }
        }
        FrameFeatures f = frame.features();
        int mismatches = 0;
        if (frame.peaks() != f.peakX.length || frame.peaks() != f.peakY.length
                || frame.peaks() != f.peakIntensity.length) {
            mismatches++;
        }
        if (!roiNames.isEmpty() && !f.roiSums.keySet().equals(roiSet)) {
            mismatches++;
        }
        if (radialBins > 0 && f.radialProfile.length != radialBins) {
            mismatches++;
        }
        return mismatches;
    }

    private void appendPeaks(int c, Column col, Frame frame) throws IOException {
        int n = frame.peaks();
        if (n == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(n * col.type().size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            col.value().put(frame, i, b);
        }
        master.appendRows(datasets[c], b.array(), 0, n);
    }

    /**
     * Writes the table's attributes and axes when the series ends: units and descriptions of the columns, the ROI
     * names, and the radial profile's axis (from the series metadata's {@code radial_axis}, else bin numbers).
     */
    void writeMetadata(JsonNode meta) throws IOException {
        if (!roiNames.isEmpty()) {
            master.attribute(GROUP + "/roi_sums", "roi_names", String.join(",", roiNames));
        }
        if (radialBins > 0) {
            double[] axis = new double[radialBins];
            String units = "bin";
            JsonNode ax = meta.get("radial_axis");
            if (ax != null && ax.isArray() && ax.size() == radialBins) {
                for (int i = 0; i < axis.length; i++) {
                    axis[i] = ax.get(i).asDouble();
                }
                JsonNode u = meta.get("radial_axis_units");
                units = u != null && u.isValueNode() ? u.asText() : "";
            } else {
                for (int i = 0; i < axis.length; i++) {
                    axis[i] = i;
                }
            }
            ByteBuffer ab = ByteBuffer.allocate(8 * axis.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : axis) {
                ab.putDouble(v);
            }
            master.dataset(GROUP + "/radial_axis", H5Type.FLOAT64, new long[] {axis.length}, ab.array());
            master.attribute(GROUP + "/radial_axis", "units", units);
            master.attribute(GROUP + "/radial_profile", "axes", "frame_number,radial_axis");
        }
        for (Column col : columns) {
            if (col.units() != null) {
                master.attribute(GROUP + "/" + col.name(), "units", col.units());
            }
            if (col.description() != null) {
                master.attribute(GROUP + "/" + col.name(), "description", col.description());
            }
        }
    }

    /**
     * A string in a fixed-length column: null-terminated where it fits; a value filling an earlier release's column
     * exactly stays whole.
     */
    private static void text(String v, ByteBuffer row) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        int n = b.length == row.capacity() ? b.length : Math.min(row.capacity() - 1, b.length);
        row.put(b, 0, n);
    }
}
