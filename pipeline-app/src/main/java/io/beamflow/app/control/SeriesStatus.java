package io.beamflow.app.control;

/**
 * State of acquisition as reported by a {@link SeriesControl}.
 *
 * @param state          {@code IDLE}, {@code RUNNING}, {@code STOPPING}, {@code ABORTED}, {@code UNAVAILABLE}
 * @param seriesId       current or last series
 * @param framesSent     frames acquired so far
 * @param framesExpected frames requested
 * @param message        human-readable detail
 */
public record SeriesStatus(String state, String seriesId, long framesSent, long framesExpected, String message) {
}
