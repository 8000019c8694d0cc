package io.beamflow.reduce.kernel;

/**
 * Azimuthal integration without pixel splitting, pyFAI-compatible: each pixel centre falls in one of
 * {@code bins} equal-width radial bins spanning the range of pixel-centre positions; the profile is
 * the mean of the valid pixels in each bin (no solid-angle or polarization correction, like pyFAI's
 * {@code integrate1d(..., method=("no","csr","cython"), correctSolidAngle=False, polarization_factor=None)}).
 * The pixel-to-bin map is computed once and reused for every frame; a frame is integrated in one
 * sequential pass that adds each pixel into its bin (the bins stay in the L1 cache). {@link #integrate}
 * reuses work buffers: one instance per thread.
 */
public final class AzimuthalIntegrator {
    private static final int LANE_BITS = 2;
    private static final int LANE_MASK = (1 << LANE_BITS) - 1;

    private final int bins;
    private final int pixels;
    /** Bin of each pixel, -1 for statically masked pixels. */
    private final int[] binOf;
    private final double[] laneSum;
    private final int[] laneCount;
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
    public AzimuthalIntegrator(PoniGeometry geometry, int width, int height, int bins, RadialUnit unit,
            byte[] staticMask) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1");
        }
        if (unit == RadialUnit.Q_NM && geometry.wavelengthM() <= 0) {
            throw new IllegalArgumentException("q units need a wavelength in the PONI file");
        }
        this.bins = bins;
        this.unit = unit;
        int n = Math.multiplyExact(width, height);
        this.pixels = n;
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
        binOf = new int[n];
        for (int i = 0; i < n; i++) {
            int b = -1;
            if (staticMask == null || staticMask[i] == 0) {
                b = (int) ((pos[i] - min) / delta);
                if (b >= bins) {
                    b = bins - 1;
                }
            }
            binOf[i] = b;
        }
        laneSum = new double[Math.multiplyExact(bins, LANE_MASK + 1)];
        laneCount = new int[laneSum.length];
        radialAxis = new double[bins];
        for (int b = 0; b < bins; b++) {
            radialAxis[b] = min + (b + 0.5) * delta;
        }
    }

    /** @return bin centres in {@link #unit()} */
    public double[] radialAxis() {
        return radialAxis.clone();
    }

    int pixels() {
        return pixels;
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
        if (image.length < pixels || mask != null && mask.length < pixels) {
            throw new IllegalArgumentException("image or mask shorter than the " + pixels + " pixels of the map");
        }
        beginPass();
        for (int i = 0; i < pixels; i++) {
            if (mask == null || mask[i] == 0) {
                add(i, image[i]);
            }
        }
        return endPass();
    }

    /** Starts integrating a frame pixel by pixel. */
    void beginPass() {
        java.util.Arrays.fill(laneSum, 0);
        java.util.Arrays.fill(laneCount, 0);
    }

    /**
     * Adds valid pixel {@code i} to its bin. Neighbouring pixels, mostly in the same bin, add into
     * different lanes: no wait on each other.
     */
    void add(int i, float v) {
        int b = binOf[i];
        if (b >= 0) {
            int k = b << LANE_BITS | i & LANE_MASK;
            laneSum[k] += v;
            laneCount[k]++;
        }
    }

    /** @return the profile of the pixels added since {@link #beginPass} */
    float[] endPass() {
        float[] out = new float[bins];
        for (int b = 0, k = 0; b < bins; b++) {
            double sum = 0;
            int count = 0;
            for (int lane = 0; lane <= LANE_MASK; lane++, k++) {
                sum += laneSum[k];
                count += laneCount[k];
            }
            out[b] = count == 0 ? 0f : (float) (sum / count);
        }
        return out;
    }
}
