package io.beamflow.bench.reduce;

import io.beamflow.reduce.kernel.Roi;

import java.util.List;
import java.util.Map;

/** FrameStatistics as of main before the kernels work, copied verbatim as the benchmark baseline.
 *
 * <p>Original documentation:
 * Per-frame statistics over valid pixels: sum, max, mean, saturated-pixel count, and sums over named
 * regions of interest (rectangles clipped to the image, optionally restricted by a mask).
 */
final class LegacyFrameStatistics {
    private final int width;
    private final int height;
    private final List<Roi> rois;

    /**
     * @param width  image width
     * @param height image height
     * @param rois   regions of interest
     */
    LegacyFrameStatistics(int width, int height, List<Roi> rois) {
        this.width = width;
        this.height = height;
        this.rois = List.copyOf(rois);
        for (Roi r : rois) {
            if (r.mask() != null && r.mask().length != width * height) {
                throw new IllegalArgumentException("mask of ROI '" + r.name() + "' has " + r.mask().length
                        + " pixels, image has " + width * height);
            }
        }
    }

    /** Result of {@link #compute}. */
    public static final class Result {
        /** Sum of valid pixels. */
        public double sum;
        /** Maximum valid pixel (0 when none is valid). */
        public double max;
        /** Mean of valid pixels. */
        public double mean;
        /** Valid pixels counted. */
        public long validPixels;
    }

    /**
     * @param image      corrected pixel values, row-major
     * @param mask       per-pixel mask (non-zero: invalid), or {@code null}
     * @param roiSums    receives the ROI sums, in ROI order
     * @return sum, max, mean
     */
    public Result compute(float[] image, byte[] mask, Map<String, Double> roiSums) {
        Result r = new Result();
        double sum = 0;
        float max = Float.NEGATIVE_INFINITY;
        long valid = 0;
        int n = width * height;
        if (mask == null) {
            for (int i = 0; i < n; i++) {
                float v = image[i];
                sum += v;
                if (v > max) {
                    max = v;
                }
            }
            valid = n;
        } else {
            for (int i = 0; i < n; i++) {
                if (mask[i] == 0) {
                    float v = image[i];
                    sum += v;
                    if (v > max) {
                        max = v;
                    }
                    valid++;
                }
            }
        }
        r.sum = sum;
        r.max = valid == 0 ? 0 : max;
        r.mean = valid == 0 ? 0 : sum / valid;
        r.validPixels = valid;
        for (Roi roi : rois) {
            roiSums.put(roi.name(), roiSum(roi, image, mask));
        }
        return r;
    }

    private double roiSum(Roi roi, float[] image, byte[] mask) {
        int x0 = Math.max(0, roi.x());
        int y0 = Math.max(0, roi.y());
        int x1 = Math.min(width, roi.x() + roi.width());
        int y1 = Math.min(height, roi.y() + roi.height());
        byte[] roiMask = roi.mask();
        double s = 0;
        for (int y = y0; y < y1; y++) {
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                int i = row + x;
                if ((mask == null || mask[i] == 0) && (roiMask == null || roiMask[i] != 0)) {
                    s += image[i];
                }
            }
        }
        return s;
    }
}
