package io.beamflow.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded waiting for a condition in tests: polls until it holds or a timeout passes, then fails with
 * a message that names what was awaited and the last value seen (never hangs, never sleeps a fixed
 * time and hopes). The default timeout is generous ({@value #DEFAULT_TIMEOUT_SECONDS} s) because CI
 * machines are loaded; a passing test does not wait longer than its condition needs.
 *
 * <pre>{@code
 * Await.atLeast(1000, node::framesJournaled, "frames journaled");
 * String port = Await.value("the child's port file", () -> readIfExists(file), s -> s != null);
 * }</pre>
 */
public final class Await {
    /** Default timeout of every wait without an explicit one, in seconds. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 60;
    private static final long POLL_MS = 10;

    private Await() {
    }

    /**
     * Waits up to {@value #DEFAULT_TIMEOUT_SECONDS} s until {@code condition} holds.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the condition
     * @throws AssertionError when it does not hold in time
     */
    public static void until(String what, BooleanSupplier condition) {
        until(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), () -> what, condition);
    }

    /**
     * Waits up to {@value #DEFAULT_TIMEOUT_SECONDS} s until {@code condition} holds.
     *
     * @param what      what is awaited (evaluated only on failure, so it may describe the last state)
     * @param condition the condition
     * @throws AssertionError when it does not hold in time
     */
    public static void until(Supplier<String> what, BooleanSupplier condition) {
        until(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), what, condition);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param timeout   how long at most
     * @param what      what is awaited (evaluated only on failure, so it may describe the last state)
     * @param condition the condition
     * @throws AssertionError when it does not hold in time
     */
    public static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        value(timeout, what, () -> condition.getAsBoolean(), Boolean::booleanValue);
    }

    /**
     * Waits up to {@value #DEFAULT_TIMEOUT_SECONDS} s until {@code value} is at least {@code expected}.
     *
     * @param expected the least value awaited
     * @param value    the value, polled
     * @param what     what the value is, for the failure message
     * @return the value that reached {@code expected}
     * @throws AssertionError when it does not in time; the message holds the last value
     */
    public static long atLeast(long expected, LongSupplier value, String what) {
        return value(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), () -> what + " >= " + expected,
                value::getAsLong, v -> v >= expected);
    }

    /**
     * Polls {@code value} up to {@value #DEFAULT_TIMEOUT_SECONDS} s until {@code accept} takes it.
     *
     * @param <T>    the value's type
     * @param what   what is awaited, for the failure message
     * @param value  the value, polled; an exception it throws counts as "not yet" (and is reported)
     * @param accept the condition on the value
     * @return the accepted value
     * @throws AssertionError when no value is accepted in time; the message holds the last one
     */
    public static <T> T value(String what, Callable<T> value, Predicate<? super T> accept) {
        return value(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), () -> what, value, accept);
    }

    /**
     * Polls {@code value} until {@code accept} takes it.
     *
     * @param <T>     the value's type
     * @param timeout how long at most
     * @param what    what is awaited, for the failure message
     * @param value   the value, polled; an exception it throws counts as "not yet" (and is reported)
     * @param accept  the condition on the value
     * @return the accepted value
     * @throws AssertionError when no value is accepted in time; the message holds the last one
     */
    public static <T> T value(Duration timeout, Supplier<String> what, Callable<T> value,
            Predicate<? super T> accept) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = "(not polled)";
        Exception lastError = null;
        while (true) {
            try {
                T v = value.call();
                last = v;
                lastError = null;
                if (accept.test(v)) {
                    return v;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            } catch (Exception e) {
                lastError = e;
                last = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                System.err.println(threadDump());
                AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() / 1000.0
                        + " s waiting for: " + what.get() + " (last value: " + Objects.toString(last) + ")");
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            sleep(POLL_MS);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** @return every thread's full stack and this JVM's TCP sockets, for the report of a timed-out wait */
    public static String threadDump() {
        StringBuilder sb = new StringBuilder("thread dump at timeout:\n");
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
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
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains(pid) || line.startsWith("State")) {
                        sb.append(line).append('\n');
                    }
                }
            }
            p.waitFor();
            return sb.toString();
        } catch (IOException e) {
            return "cannot list sockets: " + e + "\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted\n";
        }
    }
}
