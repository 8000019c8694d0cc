package io.beamflow.core.result;

/** What the trigger rules decided for a frame. */
public enum Decision {
    /** Keep the frame's pixels and its reduced data. */
    KEEP,
    /** Keep only the reduced data (statistics, profile, peaks); drop the pixels. */
    REDUCED_ONLY,
    /** Drop the pixels; the reduced data and the decision are still recorded. */
    VETO
}
