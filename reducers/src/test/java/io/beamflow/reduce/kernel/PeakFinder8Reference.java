package io.beamflow.reduce.kernel;

import java.util.Arrays;

/**
 * The peak finder as it was before the sparse background estimate, kept verbatim as the reference
 * for equality tests. Peakfinder8-style Bragg spot finder for serial-crystallography hit finding. The local background
 * is estimated per ring around the beam centre (radial statistics): mean and standard deviation of the
 * valid pixels in each ring, iteratively sigma-clipped so that peaks do not inflate it. A pixel is a
 * peak candidate when it exceeds both {@code minAdc} and {@code mean + minSnr * sigma} of its ring;
 * 8-connected candidates form a peak, kept when it has between {@code minPixels} and
 * {@code maxPixels} pixels. Peak positions are background-subtracted intensity-weighted centroids in
 * pixel coordinates where pixel (0,0) covers [0,1)x[0,1).
 */
final class PeakFinder8Reference {
    private final int width;
    private final int height;
    private final double minSnr;
    private final double minAdc;
    private final int minPixels;
    private final int maxPixels;
    private final int iterations;
    private final int rings;
    private final int[] ringOf;
    private final double[] ringMean;
    private final double[] ringThreshold;
    private final double[] sum;
    private final double[] sumSq;
    private final int[] count;
    private final int[] label;
    private final int[] stack;
    private int generation;

    /** Peaks found in one frame. */
    public record Peaks(float[] x, float[] y, float[] intensity) {
        /** @return number of peaks */
        public int count() {
            return x.length;
        }
    }

    /**
     * @param width             image width
     * @param height            image height
     * @param beamCenterX       beam centre x (pixels)
     * @param beamCenterY       beam centre y (pixels)
     * @param radialBinWidthPx  width of the background rings
     * @param minSnr            minimum signal-to-noise of a peak pixel
     * @param minAdc            minimum value of a peak pixel
     * @param minPixels         minimum pixels per peak
     * @param maxPixels         maximum pixels per peak
     * @param iterations        sigma-clipping iterations
     */
    public PeakFinder8Reference(int width, int height, double beamCenterX, double beamCenterY, double radialBinWidthPx,
            double minSnr, double minAdc, int minPixels, int maxPixels, int iterations) {
        this.width = width;
        this.height = height;
        this.minSnr = minSnr;
        this.minAdc = minAdc;
        this.minPixels = Math.max(1, minPixels);
        this.maxPixels = Math.max(this.minPixels, maxPixels);
        this.iterations = Math.max(1, iterations);
        int n = width * height;
        ringOf = new int[n];
        int maxRing = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = x + 0.5 - beamCenterX;
                double dy = y + 0.5 - beamCenterY;
                int r = (int) (Math.sqrt(dx * dx + dy * dy) / radialBinWidthPx);
                ringOf[y * width + x] = r;
                maxRing = Math.max(maxRing, r);
            }
        }
        rings = maxRing + 1;
        ringMean = new double[rings];
        ringThreshold = new double[rings];
        sum = new double[rings];
        sumSq = new double[rings];
        count = new int[rings];
        label = new int[n];
        stack = new int[n];
    }

    /**
     * @param image corrected pixel values
     * @param mask  per-pixel mask (non-zero: invalid), or {@code null}
     * @return the peaks
     */
    public Peaks find(float[] image, byte[] mask) {
        estimateBackground(image, mask);
        generation++;
        if (generation == Integer.MAX_VALUE) {
            Arrays.fill(label, 0);
            generation = 1;
        }
        int n = width * height;
        float[] px = new float[16];
        float[] py = new float[16];
        float[] pi = new float[16];
        int found = 0;
        for (int i = 0; i < n; i++) {
            if (label[i] == generation || !isCandidate(image, mask, i)) {
                continue;
            }
            // Flood-fill the 8-connected candidate region.
            int top = 0;
            stack[top++] = i;
            label[i] = generation;
            int pixels = 0;
            double w = 0;
            double wx = 0;
            double wy = 0;
            while (top > 0) {
                int p = stack[--top];
                int x = p % width;
                int y = p / width;
                double signal = image[p] - ringMean[ringOf[p]];
                pixels++;
                w += signal;
                wx += signal * (x + 0.5);
                wy += signal * (y + 0.5);
                for (int dy = -1; dy <= 1; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        if (xx < 0 || xx >= width) {
                            continue;
                        }
                        int q = yy * width + xx;
                        if (label[q] != generation && isCandidate(image, mask, q)) {
                            label[q] = generation;
                            stack[top++] = q;
                        }
                    }
                }
            }
            if (pixels < minPixels || pixels > maxPixels || w <= 0) {
                continue;
            }
            if (found == px.length) {
                px = Arrays.copyOf(px, found * 2);
                py = Arrays.copyOf(py, found * 2);
                pi = Arrays.copyOf(pi, found * 2);
            }
            px[found] = (float) (wx / w);
            py[found] = (float) (wy / w);
            pi[found] = (float) w;
            found++;
        }
        return new Peaks(Arrays.copyOf(px, found), Arrays.copyOf(py, found), Arrays.copyOf(pi, found));
    }

    private boolean isCandidate(float[] image, byte[] mask, int i) {
        if (mask != null && mask[i] != 0) {
            return false;
        }
        float v = image[i];
        return v >= minAdc && v > ringThreshold[ringOf[i]];
    }

    private void estimateBackground(float[] image, byte[] mask) {
        int n = width * height;
        Arrays.fill(ringThreshold, Double.POSITIVE_INFINITY);
        for (int it = 0; it < iterations; it++) {
            Arrays.fill(sum, 0);
            Arrays.fill(sumSq, 0);
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                if (mask != null && mask[i] != 0) {
                    continue;
                }
                float v = image[i];
                int r = ringOf[i];
                if (v > ringThreshold[r]) {
                    continue;
                }
                sum[r] += v;
                sumSq[r] += (double) v * v;
                count[r]++;
            }
            for (int r = 0; r < rings; r++) {
                if (count[r] == 0) {
                    ringMean[r] = 0;
                    ringThreshold[r] = Double.POSITIVE_INFINITY;
                    continue;
                }
                double mean = sum[r] / count[r];
                double var = Math.max(0, sumSq[r] / count[r] - mean * mean);
                ringMean[r] = mean;
                ringThreshold[r] = mean + minSnr * Math.sqrt(var);
            }
        }
    }
}
