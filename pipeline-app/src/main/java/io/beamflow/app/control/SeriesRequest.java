package io.beamflow.app.control;

/**
 * A request to start a series.
 *
 * @param seriesId     series id (letters, digits, {@code . _ -}; at most 64 characters; used in file names)
 * @param frames       frames to acquire (&gt;= 1)
 * @param rateHz       frame rate; 0: as fast as possible
 * @param author       who asked
 * @param metadataJson extra series metadata (JSON object text, may be empty)
 */
public record SeriesRequest(String seriesId, long frames, double rateHz, String author, String metadataJson) {
}
