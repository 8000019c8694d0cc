package io.beamflow.app.control;

/**
 * Hook through which the control API starts, stops and aborts acquisition series; the application
 * wires it to the detector simulator or the ingest node. Implementations throw
 * {@link IllegalStateException} when a command does not fit the current state (e.g. a series is
 * already running); the API answers 409 with its message.
 */
public interface SeriesControl {
    /**
     * Starts a series.
     *
     * @param request what to acquire
     * @return the state after the command
     */
    SeriesStatus start(SeriesRequest request);

    /**
     * Ends a series cleanly: frames in flight are processed and written, the series is closed.
     *
     * @param seriesId series to stop
     * @return the state after the command
     */
    SeriesStatus stop(String seriesId);

    /**
     * Ends a series at once: acquisition stops, the series is marked aborted.
     *
     * @param seriesId series to abort
     * @return the state after the command
     */
    SeriesStatus abort(String seriesId);

    /** @return the current state */
    SeriesStatus status();

    /** A control that is not connected to any acquisition: reports IDLE and refuses commands. */
    SeriesControl NONE = new SeriesControl() {
        @Override
        public SeriesStatus start(SeriesRequest request) {
            throw new UnsupportedOperationException("no series control is attached to this server");
        }

        @Override
        public SeriesStatus stop(String seriesId) {
            throw new UnsupportedOperationException("no series control is attached to this server");
        }

        @Override
        public SeriesStatus abort(String seriesId) {
            throw new UnsupportedOperationException("no series control is attached to this server");
        }

        @Override
        public SeriesStatus status() {
            return new SeriesStatus("UNAVAILABLE", "", 0, 0, "no series control attached");
        }
    };
}
