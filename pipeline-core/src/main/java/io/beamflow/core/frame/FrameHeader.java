package io.beamflow.core.frame;

import java.util.Objects;

/**
 * Immutable description of one detector frame (or one module's part of it).
 *
 * @param seriesId          series (acquisition run) identifier, see {@link #isValidSeriesId(String)}
 * @param frameNumber       frame number within the series as sent by the detector
 * @param moduleIndex       index of the detector module this part belongs to, {@code 0 <= moduleIndex < moduleCount}
 * @param moduleCount       number of modules the full frame is assembled from
 * @param width             pixels per row (fast axis, x)
 * @param height            rows (slow axis, y)
 * @param pixelType         pixel data type
 * @param acquisitionTimeNs detector/DAQ time stamp, nanoseconds since the epoch (0 if unknown)
 * @param receiveTimeNs     ingest-node receive time, nanoseconds since the epoch
 */
public record FrameHeader(
        String seriesId,
        long frameNumber,
        int moduleIndex,
        int moduleCount,
        int width,
        int height,
        PixelType pixelType,
        long acquisitionTimeNs,
        long receiveTimeNs) {

    /** Longest series id accepted anywhere (it becomes part of file names). */
    public static final int MAX_SERIES_ID_LENGTH = 64;

    /** Validates the invariants that do not depend on configuration limits. */
    public FrameHeader {
        Objects.requireNonNull(pixelType, "pixelType");
        if (!isValidSeriesId(seriesId)) {
            throw new IllegalArgumentException("invalid series id: " + seriesId);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("shape must be positive: " + width + "x" + height);
        }
        if (moduleCount <= 0 || moduleIndex < 0 || moduleIndex >= moduleCount) {
            throw new IllegalArgumentException("module " + moduleIndex + " of " + moduleCount);
        }
    }

    /** @return payload bytes implied by shape and pixel type */
    public long payloadLength() {
        return (long) width * height * pixelType.bytes();
    }

    /** @return pixels in this frame part */
    public long pixelCount() {
        return (long) width * height;
    }

    /**
     * Series ids become file and directory names, so only a conservative character set is allowed:
     * 1..64 characters of {@code [A-Za-z0-9._-]}, not starting with '.' or '-'.
     *
     * @param id candidate id
     * @return whether the id is acceptable
     */
    public static boolean isValidSeriesId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_SERIES_ID_LENGTH) {
            return false;
        }
        char first = id.charAt(0);
        if (first == '.' || first == '-') {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
