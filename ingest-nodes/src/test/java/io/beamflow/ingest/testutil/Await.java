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
                System.err.println(threadDump());
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

    /** @return every thread's full stack, for the report of a timed-out wait */
    public static String threadDump() {
        StringBuilder sb = new StringBuilder("thread dump at timeout:\n");
        for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory.getThreadMXBean()
                .dumpAllThreads(true, true)) {
            sb.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
            if (t.getLockName() != null) {
                sb.append(" on ").append(t.getLockName()).append(" owned by ").append(t.getLockOwnerName());
            }
            sb.append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("    at ").append(e).append('\n');
            }
        }
        sb.append(sockets());
        return sb.toString();
    }

    /** @return this JVM's TCP sockets as {@code ss} lists them (state, addresses, queues) */
    private static String sockets() {
        try {
            Process p = new ProcessBuilder("ss", "-tanpe").redirectErrorStream(true).start();
            String pid = "pid=" + ProcessHandle.current().pid() + ",";
            StringBuilder sb = new StringBuilder("sockets of this JVM at timeout:\n");
            try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains(pid) || line.startsWith("State")) {
                        sb.append(line).append('\n');
                    }
                }
            }
            p.waitFor();
            return sb.toString();
        } catch (java.io.IOException e) {
            return "cannot list sockets: " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted\n";
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
