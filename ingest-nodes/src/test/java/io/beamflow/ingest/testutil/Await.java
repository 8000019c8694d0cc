package io.beamflow.ingest.testutil;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for conditions in tests (never hangs). */
public final class Await {
    private Await() {
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@code timeoutSeconds}. */
    public static void until(long timeoutSeconds, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeoutSeconds + " s waiting for: " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @return a TCP port that was free a moment ago on 127.0.0.1 and was not handed out before in this
     *         JVM (a sender of an earlier test may still be trying to reconnect to its old port)
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no fresh free port");
    }
}
