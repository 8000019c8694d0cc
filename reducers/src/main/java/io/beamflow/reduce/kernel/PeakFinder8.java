package io.beamflow.reduce.kernel;

import java.util.Arrays;

/**
 * Peakfinder8-style Bragg spot finder for serial-crystallography hit finding. The local background
 * is estimated per ring around the beam centre (radial statistics): mean and standard deviation of the
 * valid pixels in each ring, iteratively sigma-clipped so that peaks do not inflate it. A pixel is a
 * peak candidate when it exceeds both {@code minAdc} and {@code mean + minSnr * sigma} of its ring;
 * 8-connected candidates form a peak, kept when it has between {@code minPixels} and
 * {@code maxPixels} pixels. Peak positions are background-subtracted intensity-weighted centroids in
 * pixel coordinates where pixel (0,0) covers [0,1)x[0,1).
 *
 * <p>Cost: one pass over the frame sums every ring and collects the pixels above a per-ring bound (a
 * margin below the previous frames' threshold). The sigma-clipping iterations and the candidate search
 * then only visit that short list: an iteration's sums are the ring totals minus the pixels above the
 * previous threshold. When a threshold falls below the bound (first frame, a changed background) the
 * list is collected again with the lower bound, so the result is always that of clipping over all
 * pixels. Not thread-safe: one instance per thread.
 */
public final class PeakFinder8 {
    /** Where the next frame's collection bound lies between ring mean (0) and threshold (1), at most. */
    private static final double INITIAL_BOUND_FRACTION = 0.5;
    /** Per frame without a miss, a ring's margin narrows back towards the initial one by this factor. */
    private static final double BOUND_RECOVERY = 1.05;
    private static final int INITIAL_STACK = 256;
    private static final int INITIAL_PEAKS = 64;
    private static final int LANE_BITS = 2;
    private static final int LANE_MASK = (1 << LANE_BITS) - 1;

    private final int width;
    private final int height;
    private final int pixels;
    private final double minSnr;
    private final double minAdc;
    private final int minPixels;
    private final int maxPixels;
    private final int iterations;
    private final int rings;
    private final int[] ringOf;
    private final double[] ringMean;
    private final double[] ringThreshold;
    private final double[] bound;
    private final double[] boundFraction;
    private final boolean[] boundPredicted;
    private final double[] previousThreshold;
    private final double[] totalSum;
    private final double[] totalSumSq;
    private final int[] totalCount;
    private final double[] laneSum;
    private final double[] laneSumSq;
    private final int[] laneCount;
    private final double[] clippedSum;
    private final double[] clippedSumSq;
    private final int[] clippedCount;
    private final int[] collected;
    private int collectedCount;
    private int passCollected;
    private final int[] label;
    private int generation;
    private int[] stackX = new int[INITIAL_STACK];
    private int[] stackY = new int[INITIAL_STACK];
    private float[] peakX = new float[INITIAL_PEAKS];
    private float[] peakY = new float[INITIAL_PEAKS];
    private float[] peakIntensity = new float[INITIAL_PEAKS];
    private long fullPasses;

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
    public PeakFinder8(int width, int height, double beamCenterX, double beamCenterY, double radialBinWidthPx,
            double minSnr, double minAdc, int minPixels, int maxPixels, int iterations) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad image shape " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.pixels = Math.multiplyExact(width, height);
        this.minSnr = minSnr;
        this.minAdc = minAdc;
        this.minPixels = Math.max(1, minPixels);
        this.maxPixels = Math.max(this.minPixels, maxPixels);
        this.iterations = Math.max(1, iterations);
        ringOf = new int[pixels];
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
        bound = new double[rings];
        Arrays.fill(bound, Double.POSITIVE_INFINITY);
        boundFraction = new double[rings];
        Arrays.fill(boundFraction, INITIAL_BOUND_FRACTION);
        boundPredicted = new boolean[rings];
        previousThreshold = new double[rings];
        Arrays.fill(previousThreshold, Double.POSITIVE_INFINITY);
        totalSum = new double[rings];
        totalSumSq = new double[rings];
        totalCount = new int[rings];
        int laneSlots = Math.multiplyExact(rings, LANE_MASK + 1);
        laneSum = new double[laneSlots];
        laneSumSq = new double[laneSlots];
        laneCount = new int[laneSlots];
        clippedSum = new double[rings];
        clippedSumSq = new double[rings];
        clippedCount = new int[rings];
        collected = new int[pixels];
        label = new int[pixels];
    }

    /**
     * @param image corrected pixel values, at least {@code width * height}
     * @param mask  per-pixel mask (non-zero: invalid), or {@code null}
     * @return the peaks
     */
    public Peaks find(float[] image, byte[] mask) {
        if (image.length < pixels || mask != null && mask.length < pixels) {
            throw new IllegalArgumentException("image or mask shorter than " + width + "x" + height);
        }
        sumRingsAndCollect(image, mask);
        return findAfterPass(image, mask);
    }

    /**
     * The rest of {@link #find} once the frame's first pass was made pixel by pixel by the caller
     * ({@link #beginPass}, {@link #add} for each valid pixel in pixel order, {@link #endPass}).
     */
    Peaks findAfterPass(float[] image, byte[] mask) {
        estimateBackground(image, mask);
        nextGeneration();
        int found = 0;
        for (int k = 0; k < collectedCount; k++) {
            int i = collected[k];
            if (label[i] == generation || !isCandidate(image, mask, i)) {
                continue;
            }
            found = fill(image, mask, i, found);
        }
        return new Peaks(Arrays.copyOf(peakX, found), Arrays.copyOf(peakY, found),
                Arrays.copyOf(peakIntensity, found));
    }

    int pixels() {
        return pixels;
    }

    /** @return full passes over the image since construction (for tests: one per frame in the steady state) */
    long fullPasses() {
        return fullPasses;
    }

    private void nextGeneration() {
        generation++;
        if (generation == Integer.MAX_VALUE) {
            Arrays.fill(label, 0);
            generation = 1;
        }
    }

    /** Flood-fills the 8-connected candidate region from {@code seed}; records it as peak {@code found} if it qualifies. */
    private int fill(float[] image, byte[] mask, int seed, int found) {
        int top = 0;
        int seedY = seed / width;
        stackX[0] = seed - seedY * width;
        stackY[0] = seedY;
        top = 1;
        label[seed] = generation;
        int count = 0;
        double w = 0;
        double wx = 0;
        double wy = 0;
        while (top > 0) {
            top--;
            int x = stackX[top];
            int y = stackY[top];
            int p = y * width + x;
            double signal = image[p] - ringMean[ringOf[p]];
            count++;
            w += signal;
            wx += signal * (x + 0.5);
            wy += signal * (y + 0.5);
            int y0 = Math.max(0, y - 1);
            int y1 = Math.min(height - 1, y + 1);
            int x0 = Math.max(0, x - 1);
            int x1 = Math.min(width - 1, x + 1);
            for (int yy = y0; yy <= y1; yy++) {
                int row = yy * width;
                for (int xx = x0; xx <= x1; xx++) {
                    int q = row + xx;
                    if (label[q] != generation && isCandidate(image, mask, q)) {
                        label[q] = generation;
                        if (top == stackX.length) {
                            stackX = Arrays.copyOf(stackX, top * 2);
                            stackY = Arrays.copyOf(stackY, top * 2);
                        }
                        stackX[top] = xx;
                        stackY[top] = yy;
                        top++;
                    }
                }
            }
        }
        if (count < minPixels || count > maxPixels || w <= 0) {
            return found;
        }
        if (found == peakX.length) {
            peakX = Arrays.copyOf(peakX, found * 2);
            peakY = Arrays.copyOf(peakY, found * 2);
            peakIntensity = Arrays.copyOf(peakIntensity, found * 2);
        }
        peakX[found] = (float) (wx / w);
        peakY[found] = (float) (wy / w);
        peakIntensity[found] = (float) w;
        return found + 1;
    }

    private boolean isCandidate(float[] image, byte[] mask, int i) {
        if (mask != null && mask[i] != 0) {
            return false;
        }
        float v = image[i];
        return v >= minAdc && v > ringThreshold[ringOf[i]];
    }

    private void estimateBackground(float[] image, byte[] mask) {
        thresholds(totalSum, totalSumSq, totalCount);
        for (int it = 1; it < iterations; it++) {
            coverThresholds(image, mask);
            // Valid pixels at or below the previous threshold = all valid pixels minus those above it.
            System.arraycopy(totalSum, 0, clippedSum, 0, rings);
            System.arraycopy(totalSumSq, 0, clippedSumSq, 0, rings);
            System.arraycopy(totalCount, 0, clippedCount, 0, rings);
            for (int k = 0; k < collectedCount; k++) {
                int i = collected[k];
                int r = ringOf[i];
                float v = image[i];
                if (v > ringThreshold[r]) {
                    clippedSum[r] -= v;
                    clippedSumSq[r] -= (double) v * v;
                    clippedCount[r]--;
                }
            }
            thresholds(clippedSum, clippedSumSq, clippedCount);
        }
        coverThresholds(image, mask);
        for (int r = 0; r < rings; r++) {
            // The lower of this and the last frame's threshold: a ring whose clipping left a spot in once
            // does not lift the next frame's bound.
            if (boundPredicted[r]) {
                boundFraction[r] = Math.min(INITIAL_BOUND_FRACTION, boundFraction[r] * BOUND_RECOVERY);
            }
            double t = Math.min(ringThreshold[r], previousThreshold[r]);
            previousThreshold[r] = ringThreshold[r];
            bound[r] = t == Double.POSITIVE_INFINITY ? t : ringMean[r] + boundFraction[r] * (t - ringMean[r]);
            boundPredicted[r] = true;
        }
    }

    /** Makes sure every valid pixel above its ring's threshold is in the collected list (a full pass if not). */
    private void coverThresholds(float[] image, byte[] mask) {
        boolean covered = true;
        for (int r = 0; r < rings; r++) {
            if (ringThreshold[r] < bound[r]) {
                if (boundPredicted[r]) {
                    // This ring's threshold varies more than the margin: a wider margin from the next frame on.
                    boundFraction[r] *= 0.5;
                    boundPredicted[r] = false;
                }
                bound[r] = ringThreshold[r];
                covered = false;
            }
        }
        if (!covered) {
            sumRingsAndCollect(image, mask);
        }
    }

    /** One pass over the image: ring totals, and the valid pixels above {@link #bound}. */
    private void sumRingsAndCollect(float[] image, byte[] mask) {
        beginPass();
        for (int i = 0; i < pixels; i++) {
            if (mask == null || mask[i] == 0) {
                add(i, image[i]);
            }
        }
        endPass();
    }

    /** Starts a pass over a frame. */
    void beginPass() {
        fullPasses++;
        Arrays.fill(laneSum, 0);
        Arrays.fill(laneSumSq, 0);
        Arrays.fill(laneCount, 0);
        passCollected = 0;
    }

    /**
     * Adds valid pixel {@code i} (pixels in increasing order) to its ring's totals. Neighbouring pixels,
     * mostly in the same ring, add into different lanes, so that the additions do not wait for each other.
     */
    void add(int i, float v) {
        int r = ringOf[i];
        int k = r << LANE_BITS | i & LANE_MASK;
        laneSum[k] += v;
        laneSumSq[k] += (double) v * v;
        laneCount[k]++;
        if (v > bound[r]) {
            collected[passCollected++] = i;
        }
    }

    /** Ends a pass: the ring totals and the collected pixels are those of this frame. */
    void endPass() {
        collectedCount = passCollected;
        for (int r = 0, k = 0; r < rings; r++) {
            double s = 0;
            double s2 = 0;
            int c = 0;
            for (int lane = 0; lane <= LANE_MASK; lane++, k++) {
                s += laneSum[k];
                s2 += laneSumSq[k];
                c += laneCount[k];
            }
            totalSum[r] = s;
            totalSumSq[r] = s2;
            totalCount[r] = c;
        }
    }

    private void thresholds(double[] sum, double[] sumSq, int[] count) {
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
