package io.beamflow.archive.report;

import java.io.PrintStream;

/** Receives progress of a long archive operation. Implementations rate-limit their own output. */
public interface ProgressReporter {
    /** Reports nothing. */
    ProgressReporter NONE = new ProgressReporter() {
        @Override
        public void update(ProgressSnapshot s) {
        }

        @Override
        public void finish(ProgressSnapshot s) {
        }
    };

    /** @param s current progress (called often) */
    void update(ProgressSnapshot s);

    /** @param s final progress */
    void finish(ProgressSnapshot s);

    /**
     * The reporter for a command: a carriage-return line on an interactive terminal, otherwise (or with
     * {@code quiet}) log lines every {@code logIntervalMs}.
     *
     * @param quiet         service mode: log lines only
     * @param out           terminal stream
     * @param logIntervalMs interval of log lines
     * @return the reporter
     */
    static ProgressReporter forCommand(boolean quiet, PrintStream out, long logIntervalMs) {
        if (!quiet && System.console() != null) {
            return new ConsoleProgressReporter(out, 250);
        }
        return new LogProgressReporter(logIntervalMs);
    }
}
