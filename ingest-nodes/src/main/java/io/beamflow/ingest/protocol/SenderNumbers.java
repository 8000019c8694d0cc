package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.core.wire.WireLimits;

/**
 * Reads numbers a sender wrote in JSON: only integral numbers within a range are accepted (a series
 * {@code 7001.5}, a string, {@code 1e300} or a value beyond 64 bits is refused, never truncated), and
 * image shapes from series metadata are checked against the frame limit without overflow.
 */
final class SenderNumbers {
    /** Returned by {@link #integer} for a value that is absent, not integral or out of range. */
    static final long INVALID = Long.MIN_VALUE;

    /** Metadata keys that give the image shape (the native simulator's and the DECTRIS detector's). */
    private static final String[][] SHAPE_KEYS = {{"width", "height"}, {"x_pixels_in_detector", "y_pixels_in_detector"}};

    private SenderNumbers() {
    }

    /**
     * @return the value, or {@link #INVALID} when {@code n} is absent, not an integral JSON number, or
     *         outside {@code [min, max]}
     */
    static long integer(JsonNode n, long min, long max) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            return INVALID;
        }
        long v = n.longValue();
        return v < min || v > max ? INVALID : v;
    }

    /**
     * Checks the image shape a series announces (absent keys are fine; the pipeline then takes the
     * shape from the frames).
     *
     * @param meta   series metadata or detector configuration
     * @param limits the node's limits
     * @return {@code null} when the shape is absent or acceptable, else what is wrong with it
     */
    static String shapeProblem(JsonNode meta, WireLimits limits) {
        for (String[] keys : SHAPE_KEYS) {
            JsonNode w = meta.get(keys[0]);
            JsonNode h = meta.get(keys[1]);
            if ((w == null || w.isNull()) && (h == null || h.isNull())) {
                continue;
            }
            long width = integer(w, 1, Integer.MAX_VALUE);
            long height = integer(h, 1, Integer.MAX_VALUE);
            if (width == INVALID || height == INVALID) {
                return keys[0] + " " + w + ", " + keys[1] + " " + h + ": both must be integers from 1 to "
                        + Integer.MAX_VALUE;
            }
            if (limits.frameBytes(width, height, 1) < 0) {
                return keys[0] + " " + width + " x " + keys[1] + " " + height + " pixels exceeds the frame limit of "
                        + limits.maxFrameBytes() + " bytes";
            }
        }
        return null;
    }
}
