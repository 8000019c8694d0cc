package io.beamflow.core.result;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reduced data computed for every frame, kept or not. Plain mutable holder so that Flink can treat it
 * as a POJO; arrays are never shared between frames.
 */
public final class FrameFeatures implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Sum of all valid (unmasked) pixels. */
    public double sum;
    /** Maximum valid pixel value. */
    public double max;
    /** Mean of valid pixels. */
    public double mean;
    /** Number of saturated pixels. */
    public long saturatedPixels;
    /** Sums over named regions of interest, in configuration order. */
    public Map<String, Double> roiSums = new LinkedHashMap<>();
    /** Azimuthally integrated intensity per radial bin (empty when integration is off). */
    public float[] radialProfile = new float[0];
    /** Peak positions x (fast axis, pixels). */
    public float[] peakX = new float[0];
    /** Peak positions y (slow axis, pixels). */
    public float[] peakY = new float[0];
    /** Integrated peak intensities. */
    public float[] peakIntensity = new float[0];

    /** @return number of peaks found */
    public int peakCount() {
        return peakX.length;
    }
}
