package io.beamflow.sink.hdf5;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.config.SinkConfig;
import java.io.Serializable;

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

    /** Serializable copy of {@link DetectorInfo}. */
    public record Detector(String description, String sensorMaterial, double sensorThicknessM, double xPixelSizeM,
                           double yPixelSizeM, double distanceM, double beamCenterXPx, double beamCenterYPx,
                           double countTimeS, double wavelengthA) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** @return the values of a configuration section */
        public static Detector of(DetectorInfo d) {
            DetectorInfo x = d == null ? new DetectorInfo() : d;
            return new Detector(x.description, x.sensorMaterial, x.sensorThicknessM, x.xPixelSizeM, x.yPixelSizeM,
                    x.distanceM, x.beamCenterXPx, x.beamCenterYPx, x.countTimeS, x.wavelengthA);
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
        Beamtimes beamtimes = c.beamtimeStore == null || c.beamtimeStore.isBlank() ? null
                : new Beamtimes(c.beamtimeStore, c.beamline, c.beamlineStaff);
        return new Hdf5SinkSettings(c.outputRoot, c.beamtime, c.framesPerFile, Compression.parse(c.compression),
                c.compressionThreads, Detector.of(c.detector), c.maxOpenSeries, beamtimes);
    }
}
