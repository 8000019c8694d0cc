package io.beamflow.core.config;

/**
 * Detector geometry and sensor metadata written to the NeXus master file
 * ({@code /entry/instrument/detector}). Values in the series metadata sent with SERIES_START (keys as
 * in the DECTRIS SIMPLON {@code dconfig}: {@code beam_center_x}, {@code detector_distance}, ...) take
 * precedence over these defaults.
 */
public final class DetectorInfo {
    /** Free-text detector description. */
    public String description = "Beamflow detector";
    /** Sensor material. */
    public String sensorMaterial = "Si";
    /** Sensor thickness in metres. */
    public double sensorThicknessM = 450e-6;
    /** Pixel size along x (fast axis) in metres. */
    public double xPixelSizeM = 75e-6;
    /** Pixel size along y (slow axis) in metres. */
    public double yPixelSizeM = 75e-6;
    /** Sample-to-detector distance in metres. */
    public double distanceM = 0.1;
    /** Beam centre x in pixels; negative: the frame centre. */
    public double beamCenterXPx = -1;
    /** Beam centre y in pixels; negative: the frame centre. */
    public double beamCenterYPx = -1;
    /** Exposure (count) time per frame in seconds. */
    public double countTimeS = 0.001;
    /** Incident wavelength in Angstrom. */
    public double wavelengthA = 1.0;
}
