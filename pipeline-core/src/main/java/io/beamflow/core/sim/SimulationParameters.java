package io.beamflow.core.sim;

/**
 * What the simulated detector looks like.
 *
 * @param width             pixels per row
 * @param height            rows
 * @param backgroundMean    mean of the Poisson background (counts)
 * @param beamCenterX       beam centre, x pixel
 * @param beamCenterY       beam centre, y pixel
 * @param beamStopRadius    radius of the beam-stop shadow (pixels); inside it the background is 5% of normal
 * @param ringRadii         radii of diffraction rings (pixels)
 * @param ringIntensity     peak extra mean counts on a ring
 * @param ringWidth         ring Gaussian sigma (pixels)
 * @param hitFraction       fraction of frames that are "hits" with Bragg-like spots
 * @param spotsPerHitMin    minimum spots on a hit frame
 * @param spotsPerHitMax    maximum spots on a hit frame
 * @param spotIntensity     total counts in a spot (spread over a ~3x3 Gaussian)
 * @param seed              random seed; the same seed and frame number always give the same image
 */
public record SimulationParameters(
        int width,
        int height,
        double backgroundMean,
        double beamCenterX,
        double beamCenterY,
        double beamStopRadius,
        double[] ringRadii,
        double ringIntensity,
        double ringWidth,
        double hitFraction,
        int spotsPerHitMin,
        int spotsPerHitMax,
        double spotIntensity,
        long seed) {

    /**
     * @param width  pixels per row
     * @param height rows
     * @return realistic defaults for a frame of that size (rings scaled to the frame)
     */
    public static SimulationParameters defaults(int width, int height) {
        double r = Math.min(width, height) / 2.0;
        return new SimulationParameters(width, height, 2.0, width / 2.0 + 3.5, height / 2.0 - 2.5, r * 0.04,
                new double[] {r * 0.25, r * 0.45, r * 0.7}, 6.0, 1.5, 0.3, 20, 40, 4000.0, 42L);
    }

    /**
     * @param fraction new hit fraction
     * @return a copy with another hit fraction
     */
    public SimulationParameters withHitFraction(double fraction) {
        return new SimulationParameters(width, height, backgroundMean, beamCenterX, beamCenterY, beamStopRadius,
                ringRadii, ringIntensity, ringWidth, fraction, spotsPerHitMin, spotsPerHitMax, spotIntensity, seed);
    }

    /**
     * @param newSeed new seed
     * @return a copy with another seed
     */
    public SimulationParameters withSeed(long newSeed) {
        return new SimulationParameters(width, height, backgroundMean, beamCenterX, beamCenterY, beamStopRadius,
                ringRadii, ringIntensity, ringWidth, hitFraction, spotsPerHitMin, spotsPerHitMax, spotIntensity,
                newSeed);
    }
}
