package io.beamflow.reduce.kernel;

/** Radial units of azimuthal integration, named as in pyFAI. */
public enum RadialUnit {
    /** Scattering angle 2θ in degrees ({@code 2th_deg}). */
    TWO_THETA_DEG("2th_deg"),
    /** Momentum transfer q = 4π sin(θ)/λ in inverse nanometres ({@code q_nm^-1}). */
    Q_NM("q_nm^-1");

    private final String pyFaiName;

    RadialUnit(String pyFaiName) {
        this.pyFaiName = pyFaiName;
    }

    /** @return pyFAI's name of the unit */
    public String pyFaiName() {
        return pyFaiName;
    }

    /**
     * @param name pyFAI unit name
     * @return the unit
     * @throws IllegalArgumentException for unsupported units
     */
    public static RadialUnit fromPyFaiName(String name) {
        for (RadialUnit u : values()) {
            if (u.pyFaiName.equals(name)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unsupported radial unit '" + name + "' (use 2th_deg or q_nm^-1)");
    }

    /**
     * @param twoThetaRad scattering angle in radians
     * @param wavelengthM wavelength in metres
     * @return the position in this unit
     */
    public double fromTwoTheta(double twoThetaRad, double wavelengthM) {
        return switch (this) {
            case TWO_THETA_DEG -> Math.toDegrees(twoThetaRad);
            case Q_NM -> 4.0e-9 * Math.PI * Math.sin(twoThetaRad / 2) / wavelengthM;
        };
    }
}
