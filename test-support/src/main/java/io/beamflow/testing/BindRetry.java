package io.beamflow.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts an external server that cannot bind port 0 and report it (PostgreSQL, Apache httpd) on a port
 * chosen at random, and on another one when the server reports that the address is in use: a bounded
 * number of attempts, never "probe a port, close it, hope it stays free".
 *
 * <p>Ports are drawn from {@value #LOW}..{@value #HIGH}, below Linux's ephemeral range (32768..60999), so
 * that the client sockets of other tests do not take them.
 */
public final class BindRetry {
    /** Lowest port drawn. */
    public static final int LOW = 20_000;
    /** Highest port drawn (exclusive). */
    public static final int HIGH = 32_000;

    private BindRetry() {
    }

    /** One attempt to start a server on a given port. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @param port the port to bind
         * @return the running server, or {@code null} when the port was in use (the attempt cleaned up)
         * @throws Exception when the server failed for another reason
         */
        T start(int port) throws Exception;
    }

    /**
     * @param what     the server, for the failure message
     * @param attempts how many ports to try
     * @param attempt  starts the server on a port
     * @param <T>      the server's type
     * @return the server that started
     * @throws Exception      what an attempt threw
     * @throws AssertionError when every port tried was in use
     */
    public static <T> T start(String what, int attempts, Attempt<T> attempt) throws Exception {
        List<Integer> tried = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            T server = attempt.start(port);
            if (server != null) {
                return server;
            }
            tried.add(port);
        }
        throw new AssertionError(what + ": every port tried was in use: " + tried);
    }
}
