package io.beamflow.sink.hdf5;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.config.SinkConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable, serializable copy of the HDF5 sink configuration (Flink ships it to the task managers).
 *
 * @param outputRoot    root directory of the beamline filesystem
 * @param beamtime      beamtime (proposal) directory under the root, sanitised when paths are built
 * @param framesPerFile stored frames per data file
 * @param compression   frame chunk compression
 * @param compressionThreads threads compressing frames per writer (0: inline)
 * @param detector      detector metadata defaults
 * @param maxOpenSeries series one sink writer keeps open at once; starting one more closes the longest-idle
 *                      one as incomplete
 * @param beamtimes     where series are placed by beamtime (ASAP3 layout, access for the beamtime's people only);
 *                      {@code null}: every series under {@code <outputRoot>/<beamtime>/}
 */
public record Hdf5SinkSettings(String outputRoot, String beamtime, int framesPerFile, Compression compression,
                               int compressionThreads, Detector detector, int maxOpenSeries, Beamtimes beamtimes)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Settings without a beamtime store: every series under {@code <outputRoot>/<beamtime>/}.
     *
     * @param outputRoot         root directory of the beamline filesystem
     * @param beamtime           beamtime directory under the root
     * @param framesPerFile      stored frames per data file
     * @param compression        frame chunk compression
     * @param compressionThreads threads compressing frames per writer (0: inline)
     * @param detector           detector metadata defaults
     * @param maxOpenSeries      series one sink writer keeps open at once
     */
    public Hdf5SinkSettings(String outputRoot, String beamtime, int framesPerFile, Compression compression,
            int compressionThreads, Detector detector, int maxOpenSeries) {
        this(outputRoot, beamtime, framesPerFile, compression, compressionThreads, detector, maxOpenSeries, null);
    }

    /**
     * Where series go when beamtimes are managed.
     *
     * @param storeFile the beamtime store ({@code beamtimes.jsonl}) the control API writes
     * @param beamline  the beamline this sink writes for; empty: any
     * @param staff     Unix accounts of the beamline staff (read access to every beamtime)
     */
    public record Beamtimes(String storeFile, String beamline, java.util.List<String> staff) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Validates the names (they become ACL entries). */
        public Beamtimes {
            if (storeFile == null || storeFile.isBlank()) {
                throw new IllegalArgumentException("sink.beamtimeStore must name a file");
            }
            beamline = beamline == null ? "" : beamline;
            staff = staff == null ? java.util.List.of() : java.util.List.copyOf(staff);
            for (String u : staff) {
                if (!io.beamflow.core.beamtime.BeamtimeValidator.UNIX_NAME.matcher(u).matches()) {
                    throw new IllegalArgumentException("sink.beamlineStaff: '" + u + "' is not a Unix account name");
                }
            }
        }
    }

    /**
     * Settings with the default limit of open series ({@link SinkConfig#maxOpenSeries}).
     *
     * @param outputRoot         root directory of the beamline filesystem
     * @param beamtime           beamtime directory under the root
     * @param framesPerFile      stored frames per data file
     * @param compression        frame chunk compression
     * @param compressionThreads threads compressing frames per writer (0: inline)
     * @param detector           detector metadata defaults
     */
    public Hdf5SinkSettings(String outputRoot, String beamtime, int framesPerFile, Compression compression,
            int compressionThreads, Detector detector) {
        this(outputRoot, beamtime, framesPerFile, compression, compressionThreads, detector,
                new SinkConfig().maxOpenSeries);
    }

    /**
     * Serializable copy of {@link DetectorInfo}, with the module layout of a multi-module detector and the pixel mask
     * file.
     *
     * @param modules          where each module's pixels are in the assembled image (empty: one module, the image)
     * @param pixelMaskFile    pixel mask file (NumPy, TIFF or HDF5); empty: none
     * @param pixelMaskDataset dataset of the mask in an HDF5 file
     */
    public record Detector(String description, String sensorMaterial, double sensorThicknessM, double xPixelSizeM,
                           double yPixelSizeM, double distanceM, double beamCenterXPx, double beamCenterYPx,
                           double countTimeS, double wavelengthA, List<Module> modules, String pixelMaskFile,
                           String pixelMaskDataset) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Copies the module list; {@code null} strings become empty. */
        public Detector {
            modules = modules == null ? List.of() : List.copyOf(modules);
            pixelMaskFile = pixelMaskFile == null ? "" : pixelMaskFile;
            pixelMaskDataset = pixelMaskDataset == null || pixelMaskDataset.isBlank() ? "/pixel_mask"
                    : pixelMaskDataset;
        }

        /** @return the values of a configuration section (one module, no mask file) */
        public static Detector of(DetectorInfo d) {
            return of(d, null, "", "");
        }

        /**
         * @param d           the detector section
         * @param assembly    module assembly of a multi-module detector ({@code null} or without module size: one
         *                    module)
         * @param maskFile    pixel mask file, empty: none
         * @param maskDataset dataset of the mask in an HDF5 file
         * @return the detector
         * @throws IllegalArgumentException when a module does not fit the assembled image
         */
        public static Detector of(DetectorInfo d, ReductionConfig.AssemblyConfig assembly, String maskFile,
                                  String maskDataset) {
            DetectorInfo x = d == null ? new DetectorInfo() : d;
            return new Detector(x.description, x.sensorMaterial, x.sensorThicknessM, x.xPixelSizeM, x.yPixelSizeM,
                    x.distanceM, x.beamCenterXPx, x.beamCenterYPx, x.countTimeS, x.wavelengthA,
                    Module.of(assembly), maskFile, maskDataset);
        }
    }

    /**
     * Where one module's pixels are in the assembled image (after its orientation): columns {@code x .. x+width-1},
     * rows {@code y .. y+height-1}.
     *
     * @param x      first column
     * @param y      first row
     * @param width  columns
     * @param height rows
     */
    public record Module(int x, int y, int width, int height) implements Serializable {
        private static final long serialVersionUID = 1L;

        /**
         * @param a the assembly section ({@code null}: none)
         * @return the modules' regions; empty when there is no assembly or its module size is not set
         * @throws IllegalArgumentException when a module does not fit the image or overlaps another
         */
        public static List<Module> of(ReductionConfig.AssemblyConfig a) {
            if (a == null || a.modules.isEmpty() || (a.moduleWidth == 0 && a.moduleHeight == 0)) {
                return List.of();
            }
            if (a.moduleWidth < 1 || a.moduleHeight < 1 || a.width < 1 || a.height < 1) {
                throw new IllegalArgumentException("reduction.assembly: moduleWidth " + a.moduleWidth
                        + ", moduleHeight " + a.moduleHeight + ", width " + a.width + " and height " + a.height + " must all be >= 1");
            }
            List<Module> out = new ArrayList<>();
            for (int i = 0; i < a.modules.size(); i++) {
                ReductionConfig.ModulePlacement p = a.modules.get(i);
                boolean turned = Math.floorMod(p.rotationDeg, 180) == 90;
                Module m = new Module(p.x, p.y, turned ? a.moduleHeight : a.moduleWidth,
                        turned ? a.moduleWidth : a.moduleHeight);
                if (p.x < 0 || p.y < 0 || (long) p.x + m.width > a.width || (long) p.y + m.height > a.height) {
                    throw new IllegalArgumentException("reduction.assembly.modules[" + i + "]: " + m.width + "x"
                            + m.height + " at " + p.x + "," + p.y + " does not fit the " + a.width + "x" + a.height
                            + " image");
                }
                for (int j = 0; j < out.size(); j++) {
                    Module o = out.get(j);
                    if (m.x < o.x + o.width && o.x < m.x + m.width && m.y < o.y + o.height && o.y < m.y + m.height) {
                        throw new IllegalArgumentException("reduction.assembly.modules[" + i + "] overlaps modules["
                                + j + "]");
                    }
                }
                out.add(m);
            }
            return out;
        }
    }

    /** Validates the settings. */
    public Hdf5SinkSettings {
        if (outputRoot == null || outputRoot.isBlank()) {
            throw new IllegalArgumentException("sink.outputRoot must be set");
        }
        if (framesPerFile < 1) {
            throw new IllegalArgumentException("sink.framesPerFile must be >= 1, got " + framesPerFile);
        }
        if (compressionThreads < 0 || compressionThreads > 64) {
            throw new IllegalArgumentException("sink.compressionThreads must be 0..64, got " + compressionThreads);
        }
        if (maxOpenSeries < 1 || maxOpenSeries > 100_000) {
            throw new IllegalArgumentException("sink.maxOpenSeries must be 1..100000, got " + maxOpenSeries);
        }
        if (compression == null || detector == null) {
            throw new IllegalArgumentException("sink.compression and sink.detector must be set");
        }
    }

    /**
     * @param c configuration section
     * @return the settings
     * @throws IllegalArgumentException for invalid values, naming the key
     */
    public static Hdf5SinkSettings of(SinkConfig c) {
        return of(c, null);
    }

    /**
     * @param c        configuration section
     * @param assembly module assembly of a multi-module detector ({@code reduction.assembly}); {@code null}: none
     * @return the settings
     * @throws IllegalArgumentException for invalid values, naming the key
     */
    public static Hdf5SinkSettings of(SinkConfig c, ReductionConfig.AssemblyConfig assembly) {
        Beamtimes beamtimes = c.beamtimeStore == null || c.beamtimeStore.isBlank() ? null
                : new Beamtimes(c.beamtimeStore, c.beamline, c.beamlineStaff);
        return new Hdf5SinkSettings(c.outputRoot, c.beamtime, c.framesPerFile, Compression.parse(c.compression),
                c.compressionThreads, Detector.of(c.detector, assembly, c.pixelMaskFile, c.pixelMaskDataset),
                c.maxOpenSeries, beamtimes);
    }
}
