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
 */
public record Hdf5SinkSettings(String outputRoot, String beamtime, int framesPerFile, Compression compression,
                               int compressionThreads, Detector detector, int maxOpenSeries) implements Serializable {
    private static final long serialVersionUID = 1L;

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
        return new Hdf5SinkSettings(c.outputRoot, c.beamtime, c.framesPerFile, Compression.parse(c.compression),
                c.compressionThreads, Detector.of(c.detector), c.maxOpenSeries);
    }
}
