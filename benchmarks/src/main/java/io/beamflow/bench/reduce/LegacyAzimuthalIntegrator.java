package io.beamflow.bench.reduce;

import io.beamflow.reduce.kernel.PoniGeometry;
import io.beamflow.reduce.kernel.RadialUnit;

/** AzimuthalIntegrator (CSR gather) as of main before the kernels work, copied verbatim as the benchmark baseline.
 *
 * <p>Original documentation:
 * Azimuthal integration without pixel splitting, pyFAI-compatible: each pixel centre falls in one of
 * {@code bins} equal-width radial bins spanning the range of pixel-centre positions; the profile is
 * the mean of the valid pixels in each bin (no solid-angle or polarization correction, like pyFAI's
 * {@code integrate1d(..., method=("no","csr","cython"), correctSolidAngle=False, polarization_factor=None)}).
 * The pixel-to-bin map is computed once, as a sparse CSR matrix, and reused for every frame.
 */
final class LegacyAzimuthalIntegrator {
    private final int bins;
    private final int[] indptr;
    private final int[] indices;
    private final double[] radialAxis;
    private final RadialUnit unit;

    /**
     * @param geometry   detector geometry
     * @param width      image width (fast axis)
     * @param height     image height (slow axis)
     * @param bins       number of radial bins
     * @param unit       radial unit
     * @param staticMask pixels excluded from the map (non-zero), or {@code null}
     */
    LegacyAzimuthalIntegrator(PoniGeometry geometry, int width, int height, int bins, RadialUnit unit,
            byte[] staticMask) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1");
        }
        if (unit == RadialUnit.Q_NM && geometry.wavelengthM() <= 0) {
            throw new IllegalArgumentException("q units need a wavelength in the PONI file");
        }
        this.bins = bins;
        this.unit = unit;
        int n = width * height;
        double[] pos = new double[n];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                int i = row * width + col;
                double p = unit.fromTwoTheta(geometry.twoTheta(row, col), geometry.wavelengthM());
                pos[i] = p;
                if (staticMask == null || staticMask[i] == 0) {
                    min = Math.min(min, p);
                    max = Math.max(max, p);
                }
            }
        }
        // Like pyFAI, widen the upper bound by one float32 epsilon so that the maximum falls in the last bin.
        double upper = max * (1.0 + Math.ulp(1.0f));
        double delta = (upper - min) / bins;
        int[] binOf = new int[n];
        int[] counts = new int[bins];
        for (int i = 0; i < n; i++) {
            int b = -1;
            if (staticMask == null || staticMask[i] == 0) {
                b = (int) ((pos[i] - min) / delta);
                if (b >= bins) {
                    b = bins - 1;
                }
                counts[b]++;
            }
            binOf[i] = b;
        }
        indptr = new int[bins + 1];
        for (int b = 0; b < bins; b++) {
            indptr[b + 1] = indptr[b] + counts[b];
        }
        indices = new int[indptr[bins]];
        int[] fill = new int[bins];
        for (int i = 0; i < n; i++) {
            int b = binOf[i];
            if (b >= 0) {
                indices[indptr[b] + fill[b]++] = i;
            }
        }
        radialAxis = new double[bins];
        for (int b = 0; b < bins; b++) {
            radialAxis[b] = min + (b + 0.5) * delta;
        }
    }

    /** @return bin centres in {@link #unit()} */
    public double[] radialAxis() {
        return radialAxis.clone();
    }

    /** @return the radial unit */
    public RadialUnit unit() {
        return unit;
    }

    /** @return number of bins */
    public int bins() {
        return bins;
    }

    /**
     * @param image pixel values
     * @param mask  per-frame mask (non-zero: invalid), or {@code null}
     * @return mean intensity per bin (0 for bins without valid pixels)
     */
    public float[] integrate(float[] image, byte[] mask) {
        float[] out = new float[bins];
        for (int b = 0; b < bins; b++) {
            double sum = 0;
            int count = 0;
            int end = indptr[b + 1];
            if (mask == null) {
                for (int k = indptr[b]; k < end; k++) {
                    sum += image[indices[k]];
                }
                count = end - indptr[b];
            } else {
                for (int k = indptr[b]; k < end; k++) {
                    int i = indices[k];
                    if (mask[i] == 0) {
                        sum += image[i];
                        count++;
                    }
                }
            }
            out[b] = count == 0 ? 0f : (float) (sum / count);
        }
        return out;
    }
}
