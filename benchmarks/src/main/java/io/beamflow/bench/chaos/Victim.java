package io.beamflow.bench.chaos;

import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** A long-running child JVM of the drill that is killed with SIGKILL and started again, one log file per start. */
final class Victim implements AutoCloseable {
    private final String name;
    private final Path logDir;
    private final Function<Integer, ChildJvm.Builder> launcher;
    private final Predicate<String> ready;
    private ChildJvm current;
    private int starts;
    private int kills;

    /**
     * @param name     victim name (log files are {@code name-N.log})
     * @param logDir   where the logs go
     * @param launcher the child's builder for its N-th start (0 first), output not yet set
     * @param ready    the line that says the child is up
     */
    Victim(String name, Path logDir, Function<Integer, ChildJvm.Builder> launcher, Predicate<String> ready) {
        this.name = name;
        this.logDir = logDir;
        this.launcher = launcher;
        this.ready = ready;
    }

    /** Starts the child (again). */
    synchronized void start() {
        current = launcher.apply(starts).output(logDir.resolve(name + "-" + starts + ".log")).start();
        starts++;
    }

    /**
     * Waits until the current child wrote its ready line.
     *
     * @param timeout how long it may take
     * @return the line
     */
    String awaitReady(Duration timeout) {
        ChildJvm jvm = current();
        String line = Await.value(timeout, () -> name + " up; " + jvm.outputTail(40), () -> {
            for (String l : jvm.outputLines()) {
                if (ready.test(l)) {
                    return l;
                }
            }
            return jvm.process().isAlive() ? null : "";
        }, l -> l != null);
        if (line.isEmpty()) {
            throw new AssertionError(name + " exited with " + jvm.process().exitValue() + " before it was up\n"
                    + jvm.outputTail(80));
        }
        return line;
    }

    /**
     * Kills the current child with SIGKILL (when it still runs) and waits until it is gone.
     *
     * @return whether it was running (a kill was done)
     */
    synchronized boolean kill9() {
        if (current == null || !current.process().isAlive()) {
            return false;
        }
        current.kill9();
        kills++;
        return true;
    }

    /** @return the current child */
    synchronized ChildJvm current() {
        return current;
    }

    /** @return the SIGKILLs this victim took */
    synchronized int kills() {
        return kills;
    }

    /** @return how often it was started */
    synchronized int starts() {
        return starts;
    }

    /**
     * @throws AssertionError when the current child ended although nobody killed it
     */
    synchronized void assertAlive() {
        if (current != null && !current.process().isAlive()) {
            throw new AssertionError(name + " ended by itself with exit code " + current.process().exitValue() + "\n"
                    + current.outputTail(80));
        }
    }

    /** @return the names of its log files */
    List<Path> logs() {
        return java.util.stream.IntStream.range(0, starts).mapToObj(i -> logDir.resolve(name + "-" + i + ".log"))
                .toList();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Stops the current child (SIGTERM, then SIGKILL after 60 s); never fails. */
    @Override
    public synchronized void close() {
        if (current != null && current.process().isAlive()) {
            current.process().destroy();
            try {
                if (!current.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    current.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                current.close();
            }
        }
    }
}
