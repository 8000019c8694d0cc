package io.beamflow.testing;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Failure injection for Flink jobs in tests, without timing and without static flags: passes records
 * through until the job completed a checkpoint (id &gt;= 1) in which a subtask of this operator had
 * already seen at least one record that {@code counts}; then the first counted record any subtask sees
 * throws, once. After the restart everything passes.
 *
 * <p>The function is serialized into the job, so a test observes it through an {@link Injection}
 * registered under a unique token ({@link #create()}). The test drives the timing: it lets part of the
 * input in, awaits {@link Injection#armed()}, lets the rest in (its first counted record fails), awaits
 * {@link Injection#restarted()}, and only then ends the input, so that sources cannot finish before
 * the failure was injected.
 *
 * <pre>{@code
 * try (FailOnceAfterCheckpoint.Injection injection = FailOnceAfterCheckpoint.create()) {
 *     stream.map(injection.<FrameResult>map(r -> r.kind == FrameResult.Kind.FRAME)) ...
 * }
 * }</pre>
 *
 * @param <T> the record type
 */
public final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T>
        implements CheckpointListener, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Injection> REGISTRY = new ConcurrentHashMap<>();

    /**
     * Which records count (are seen, and may fail).
     *
     * @param <T> the record type
     */
    @FunctionalInterface
    public interface Counts<T> extends Predicate<T>, Serializable {
    }

    /** What a test sees of its failure injection: shared by every subtask and attempt in this JVM. */
    public static final class Injection implements AutoCloseable {
        private final String token;
        private final CompletableFuture<Void> armed = new CompletableFuture<>();
        private final AtomicBoolean failed = new AtomicBoolean();
        private final AtomicInteger maxAttempt = new AtomicInteger();

        private Injection(String token) {
            this.token = token;
        }

        /**
         * @param <T>    the record type
         * @param counts which records count
         * @return a map function reporting to this injection
         */
        public <T> FailOnceAfterCheckpoint<T> map(Counts<T> counts) {
            return new FailOnceAfterCheckpoint<>(token, counts);
        }

        /** @return the token that names this injection in the registry */
        public String token() {
            return token;
        }

        /** @return whether a checkpoint covering counted records completed (the next counted record fails) */
        public boolean armed() {
            return armed.isDone();
        }

        /** @return a future completed when the injection is armed (for sources that hold records until then) */
        public CompletableFuture<Void> whenArmed() {
            return armed;
        }

        /** @return whether the failure was thrown */
        public boolean failed() {
            return failed.get();
        }

        /** @return whether the failure was thrown and a restarted subtask processed a record since */
        public boolean restarted() {
            return failed.get() && maxAttempt.get() >= 1;
        }

        @Override
        public String toString() {
            return "armed " + armed() + ", failed " + failed + ", highest attempt " + maxAttempt;
        }

        /** Removes the injection from the registry. */
        @Override
        public void close() {
            REGISTRY.remove(token);
        }
    }

    private final String token;
    private final Counts<T> counts;
    private transient long seen;
    /** Counted records seen when each pending checkpoint's barrier passed this subtask, by checkpoint id. */
    private transient TreeMap<Long, Long> seenAtCheckpoint;

    private FailOnceAfterCheckpoint(String token, Counts<T> counts) {
        this.token = token;
        this.counts = counts;
    }

    /** @return a new, unarmed injection under a fresh token; close it at the end of the test */
    public static Injection create() {
        Injection injection = new Injection(UUID.randomUUID().toString());
        REGISTRY.put(injection.token, injection);
        return injection;
    }

    /**
     * @param token an injection's token
     * @return the injection registered under it
     * @throws IllegalStateException when there is none (closed, or another JVM)
     */
    public static Injection injection(String token) {
        Injection injection = REGISTRY.get(token);
        if (injection == null) {
            throw new IllegalStateException("no failure injection registered under " + token);
        }
        return injection;
    }

    @Override
    public T map(T record) {
        Injection injection = injection(token);
        injection.maxAttempt.accumulateAndGet(getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
        if (counts.test(record)) {
            seen++;
            if (injection.armed() && injection.failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at " + record);
            }
        }
        return record;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        seenAtCheckpoint = new TreeMap<>();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        seenAtCheckpoint.put(context.getCheckpointId(), seen);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Long atCheckpoint = seenAtCheckpoint.get(checkpointId);
        seenAtCheckpoint.headMap(checkpointId, true).clear();
        if (checkpointId >= 1 && atCheckpoint != null && atCheckpoint > 0) {
            injection(token).armed.complete(null);
        }
    }
}
