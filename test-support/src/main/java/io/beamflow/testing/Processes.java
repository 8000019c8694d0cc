package io.beamflow.testing;

import java.util.concurrent.TimeUnit;

/** Stops server processes that tests start (Apache httpd, PostgreSQL, ...). */
public final class Processes {
    private Processes() {
    }

    /**
     * Asks the process to stop (SIGTERM), waits, then kills it (SIGKILL) if it has not stopped.
     *
     * @param process        the process
     * @param graceSeconds   how long it may take to stop by itself
     */
    public static void stop(Process process, long graceSeconds) {
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
