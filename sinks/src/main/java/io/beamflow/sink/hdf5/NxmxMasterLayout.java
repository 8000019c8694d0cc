package io.beamflow.sink.hdf5;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.core.frame.PixelType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes the NXmx part of a series' master file as DECTRIS's filewriter and Jungfraujoch lay it out, so that
 * DIALS (dxtbx), the XDS plugins (durin, neggia), fabio and h5py find the detector and its geometry:
 * {@code /entry/data/data} a virtual dataset over all data files; the detector with its {@code depends_on} chain
 * (distance translation along the beam), one {@code module} (NXdetector_module, McStas axes as DECTRIS writes
 * them: fast pixel direction -x, slow -y, origin offset so that the beam centre lies on the beam) or, for a
 * multi-module detector, {@code module_00 .. module_NN} (each with its image region and a {@code module_offset}),
 * pixel mask ({@link PixelMask}),
 * saturation value, sensor, times and {@code detectorSpecific}; the sample with its omega axis; the beam's
 * wavelength. Values come from the series metadata (SIMPLON {@code dconfig} keys) and else from the sink's
 * detector configuration. Written once per series, at its end.
 */
final class NxmxMasterLayout {
    static final String DETECTOR = "/entry/instrument/detector";
    static final String DISTANCE_AXIS = DETECTOR + "/transformations/translation";
    static final String OMEGA_AXIS = "/entry/sample/transformations/omega";
    /** What the bits of {@code pixel_mask} mean (DECTRIS). */
    /** Bytes of a pixel mask chunk (whole rows). */
    static final int MASK_CHUNK_BYTES = 1 << 20;
    static final String PIXEL_MASK_BITS = "bit 0 gap (pixel with no sensor), bit 1 dead, bit 2 under-responding,"
            + " bit 3 over-responding, bit 4 noisy, bits 5-30 reserved, bit 31 virtual pixel; 0: a good pixel";

    /** Series facts the layout needs besides the metadata. */
    record Series(int width, int height, PixelType pixelType, long framesStored,
                  List<VirtualSource> dataFiles, PixelMask mask) {
    }

    private final Hdf5FileWriter m;
    private final JsonNode meta;
    private final Hdf5SinkSettings.Detector d;
    private final Series series;

    NxmxMasterLayout(Hdf5FileWriter master, JsonNode meta, Hdf5SinkSettings.Detector defaults, Series series) {
        this.m = master;
        this.meta = meta;
        this.d = defaults;
        this.series = series;
    }

    /** Writes the instrument, sample and data groups. */
    void write() throws IOException {
        m.attribute("/entry/instrument", "NX_class", "NXinstrument");
        beam();
        detector();
        sample();
        data();
    }

    private void beam() throws IOException {
        double wavelength = num("wavelength", d.wavelengthA());
        if (wavelength > 0 && wavelength < 1e-6) {
            wavelength *= 1e10; // sent in metres (SI) rather than angstrom (SIMPLON)
        }
        m.group("/entry/instrument/beam").attribute("/entry/instrument/beam", "NX_class", "NXbeam");
        m.scalarDataset("/entry/instrument/beam/incident_wavelength", wavelength, "angstrom");
        // where releases before NXmx geometry put it (readers of those files look here)
        m.scalarDataset("/entry/instrument/beam_incident_wavelength", wavelength, "angstrom");
    }

    private void detector() throws IOException {
        String det = DETECTOR;
        m.group(det).attribute(det, "NX_class", "NXdetector");
        m.stringDataset(det + "/description", text("description", text("detector_description", d.description())));
        m.stringDataset(det + "/sensor_material", text("sensor_material", d.sensorMaterial()));
        m.scalarDataset(det + "/sensor_thickness", num("sensor_thickness", d.sensorThicknessM()), "m");
        double px = num("x_pixel_size", d.xPixelSizeM());
        double py = num("y_pixel_size", d.yPixelSizeM());
        m.scalarDataset(det + "/x_pixel_size", px, "m");
        m.scalarDataset(det + "/y_pixel_size", py, "m");
        double distance = num("detector_distance", d.distanceM());
        m.scalarDataset(det + "/distance", distance, "m");
        double bx = num("beam_center_x", d.beamCenterXPx() >= 0 ? d.beamCenterXPx() : series.width() / 2.0);
        double by = num("beam_center_y", d.beamCenterYPx() >= 0 ? d.beamCenterYPx() : series.height() / 2.0);
        m.scalarDataset(det + "/beam_center_x", bx, "pixel");
        m.scalarDataset(det + "/beam_center_y", by, "pixel");
        double countTime = num("count_time", d.countTimeS());
        m.scalarDataset(det + "/count_time", countTime, "s");
        m.scalarDataset(det + "/frame_time", num("frame_time", countTime), "s");
        m.dataset(det + "/saturation_value", H5Type.INT64, null, le8(saturationValue()));
        m.dataset(det + "/module_shape", H5Type.INT32, new long[] {2}, le4s(series.height(), series.width()));
        m.stringDataset(det + "/pixel_type", series.pixelType() == null ? "unknown" : series.pixelType().wireName());
        m.dataset(det + "/bit_depth_image", H5Type.INT32, null,
                le4s(series.pixelType() == null ? 16 : series.pixelType().bytes() * 8));
        m.stringDataset(det + "/depends_on", DISTANCE_AXIS);
        pixelMask(det + "/pixel_mask");
        m.dataset(det + "/pixel_mask_applied", H5Type.UINT8, null, new byte[] {0});

        String tr = det + "/transformations";
        m.group(tr).attribute(tr, "NX_class", "NXtransformations");
        m.scalarDataset(DISTANCE_AXIS, distance, "m");
        axis(DISTANCE_AXIS, "translation", ".", new double[] {0, 0, 1}, new double[] {0, 0, 0});

        List<Hdf5SinkSettings.Module> modules = series.mask().modules();
        if (modules.size() <= 1) {
            Hdf5SinkSettings.Module one = modules.isEmpty()
                    ? new Hdf5SinkSettings.Module(0, 0, series.width(), series.height()) : modules.get(0);
            // the module origin (its first pixel) in McStas coordinates, such that the beam centre lies on the beam
            double[] origin = {(bx - one.x()) * px, (by - one.y()) * py, 0};
            module(det + "/module", one, px, py, DISTANCE_AXIS, origin);
        } else {
            // one NXdetector_module per module; module_offset places each module's first pixel relative to the beam
            for (int i = 0; i < modules.size(); i++) {
                Hdf5SinkSettings.Module mo = modules.get(i);
                String mod = det + String.format(java.util.Locale.ROOT, "/module_%02d", i);
                double ox = (bx - mo.x()) * px;
                double oy = (by - mo.y()) * py;
                double length = Math.hypot(ox, oy);
                double[] direction = length > 0 ? new double[] {ox / length, oy / length, 0} : new double[] {1, 0, 0};
                module(mod, mo, px, py, mod + "/module_offset", new double[] {0, 0, 0});
                m.scalarDataset(mod + "/module_offset", length, "m");
                axis(mod + "/module_offset", "translation", DISTANCE_AXIS, direction, new double[] {0, 0, 0});
            }
        }

        String ds = det + "/detectorSpecific";
        m.group(ds).attribute(ds, "NX_class", "NXcollection");
        long[] images = imagesAndTriggers();
        m.dataset(ds + "/nimages", H5Type.INT64, null, le8(images[0]));
        m.dataset(ds + "/ntrigger", H5Type.INT64, null, le8(images[1]));
        m.dataset(ds + "/x_pixels_in_detector", H5Type.UINT32, null, le4s(series.width()));
        m.dataset(ds + "/y_pixels_in_detector", H5Type.UINT32, null, le4s(series.height()));
        m.dataset(ds + "/countrate_correction_count_cutoff", H5Type.INT64, null, le8(saturationValue()));
        pixelMask(ds + "/pixel_mask");
    }

    /** An NXdetector_module over a region of the image, its pixel directions depending on {@code dependsOn}. */
    private void module(String mod, Hdf5SinkSettings.Module region, double px, double py, String dependsOn,
                        double[] origin) throws IOException {
        m.group(mod).attribute(mod, "NX_class", "NXdetector_module");
        m.dataset(mod + "/data_origin", H5Type.INT32, new long[] {2}, le4s(region.y(), region.x()));
        m.dataset(mod + "/data_size", H5Type.INT32, new long[] {2}, le4s(region.height(), region.width()));
        m.dataset(mod + "/data_stride", H5Type.INT32, new long[] {2}, le4s(1, 1));
        m.scalarDataset(mod + "/fast_pixel_direction", px, "m");
        axis(mod + "/fast_pixel_direction", "translation", dependsOn, new double[] {-1, 0, 0}, origin);
        m.scalarDataset(mod + "/slow_pixel_direction", py, "m");
        axis(mod + "/slow_pixel_direction", "translation", dependsOn, new double[] {0, -1, 0}, origin);
    }

    /**
     * The pixel mask: the sender's when its start message carried one (written at the series start by
     * {@link StreamMetadataLayout}), else the configured one with the module gaps; nothing stored when every pixel
     * is good (readers get zeros), else deflated rows.
     */
    private void pixelMask(String path) throws IOException {
        long[] dims = {series.height(), series.width()};
        int[] values = series.mask().values();
        if (m.exists(path)) {
            m.attribute(path, "description", PIXEL_MASK_BITS);
            m.attribute(path, "source", "the detector's start message");
            return;
        }
        if (values == null) {
            m.zeroDataset(path, H5Type.UINT32, dims);
        } else {
            int w = series.width();
            int rowsPerChunk = Math.max(1, Math.min(series.height(), MASK_CHUNK_BYTES / (4 * w)));
            ChunkedDataset ds = m.chunkedDataset(path, H5Type.UINT32, new long[] {w}, rowsPerChunk,
                    Compression.DEFLATE);
            ByteBuffer rows = ByteBuffer.allocate(4 * w * rowsPerChunk).order(ByteOrder.LITTLE_ENDIAN);
            for (int y = 0; y < series.height(); y += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, series.height() - y);
                rows.clear();
                rows.asIntBuffer().put(values, y * w, n * w);
                m.appendRows(ds, rows.array(), 0, n);
            }
        }
        m.attribute(path, "description", PIXEL_MASK_BITS);
        if (series.mask().source() != null) {
            m.attribute(path, "source", series.mask().source());
        }
    }

    private void sample() throws IOException {
        m.group("/entry/sample").attribute("/entry/sample", "NX_class", "NXsample");
        m.stringDataset("/entry/sample/name", text("sample_name", ""));
        m.stringDataset("/entry/sample/depends_on", OMEGA_AXIS);
        String tr = "/entry/sample/transformations";
        m.group(tr).attribute(tr, "NX_class", "NXtransformations");
        double start = num("omega_start", 0);
        double increment = num("omega_increment", 0);
        int n = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 8, series.framesStored()));
        ByteBuffer omega = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer end = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            omega.putDouble(start + i * increment);
            end.putDouble(start + (i + 1) * increment);
        }
        m.dataset(OMEGA_AXIS, H5Type.FLOAT64, new long[] {n}, omega.array());
        m.attribute(OMEGA_AXIS, "units", "deg");
        // the rotation axis of MX goniometers: McStas -x (imgCIF +x), as DECTRIS and Jungfraujoch write it
        axis(OMEGA_AXIS, "rotation", ".", new double[] {-1, 0, 0}, new double[] {0, 0, 0});
        m.dataset(tr + "/omega_end", H5Type.FLOAT64, new long[] {n}, end.array());
        m.attribute(tr + "/omega_end", "units", "deg");
        m.scalarDataset(tr + "/omega_increment_set", increment, "deg");
    }

    private void data() {
        m.group("/entry/data");
        m.attribute("/entry/data", "NX_class", "NXdata");
        m.attribute("/entry/data", "signal", "data");
        if (!series.dataFiles().isEmpty() && series.pixelType() != null) {
            m.virtualDataset("/entry/data/data", H5Type.of(series.pixelType()),
                    new long[] {series.height(), series.width()}, series.dataFiles());
        }
    }

    private void axis(String path, String type, String dependsOn, double[] vector, double[] offset) {
        m.attribute(path, "transformation_type", type);
        m.attribute(path, "depends_on", dependsOn);
        m.attribute(path, "vector", H5Type.FLOAT64, new long[] {3}, le8s(vector));
        m.attribute(path, "offset", H5Type.FLOAT64, new long[] {3}, le8s(offset));
        if (type.equals("translation")) {
            m.attribute(path, "units", "m");
        }
    }

    /** nimages and ntrigger as the sender announced them when they describe the stored frames; else (stored, 1). */
    private long[] imagesAndTriggers() {
        JsonNode ni = meta.get("nimages");
        JsonNode nt = meta.get("ntrigger");
        long images = ni != null && ni.canConvertToLong() ? ni.asLong() : -1;
        long triggers = nt != null && nt.canConvertToLong() ? nt.asLong() : 1;
        if (images > 0 && triggers > 0 && images * triggers == series.framesStored()) {
            return new long[] {images, triggers};
        }
        return new long[] {series.framesStored(), 1};
    }

    /** The sender's count cutoff, else the largest value of the pixel type. */
    private long saturationValue() {
        for (String key : new String[] {"saturation_value", "countrate_correction_count_cutoff"}) {
            JsonNode v = meta.get(key);
            if (v != null && v.isNumber()) {
                return v.asLong();
            }
        }
        PixelType t = series.pixelType();
        if (t == null) {
            return 65535;
        }
        switch (t) {
            case UINT8: return 0xFF;
            case UINT16: return 0xFFFF;
            case UINT32: return 0xFFFF_FFFFL;
            default: return Integer.MAX_VALUE;
        }
    }

    private String text(String key, String fallback) {
        JsonNode v = meta.get(key);
        return v != null && v.isValueNode() ? v.asText() : fallback == null ? "" : fallback;
    }

    private double num(String key, double fallback) {
        JsonNode v = meta.get(key);
        return v != null && v.isNumber() ? v.asDouble() : fallback;
    }

    private static byte[] le8(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] le4s(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    private static byte[] le8s(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }
}
