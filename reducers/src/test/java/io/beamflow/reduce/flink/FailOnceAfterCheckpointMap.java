package io.beamflow.reduce.flink;

import io.beamflow.core.result.FrameResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Failure injection without timing: passes results through until the job completed a checkpoint
 * (id &gt;= 1) in which a subtask of this operator had already seen at least one frame; then the first
 * frame any subtask sees throws, once. After the restart everything passes.
 *
 * <p>The function is serialized into the job, so a test observes it through an {@link Injection}
 * registered under a unique token ({@link #create()}), never through shared static flags.
 * The test drives the timing: it sends part of a series, awaits {@link Injection#armed}, sends the rest
 * (whose first frame fails), awaits {@link Injection#restarted()}, and only then ends the series, so
 * that the sources cannot finish before the failure was injected.
 */
final class FailOnceAfterCheckpointMap extends RichMapFunction<FrameResult, FrameResult>
        implements CheckpointListener, CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Injection> REGISTRY = new ConcurrentHashMap<>();

    /** What a test sees of its failure injection (shared by every subtask and attempt in this JVM). */
    static final class Injection implements AutoCloseable {
        private final String token;
        /** A checkpoint covering at least one frame completed: the next frame fails. */
        final AtomicBoolean armed = new AtomicBoolean();
        /** The failure was thrown. */
        final AtomicBoolean failed = new AtomicBoolean();
        /** Highest attempt number of a subtask that processed a record. */
        final AtomicInteger maxAttempt = new AtomicInteger();

        private Injection(String token) {
            this.token = token;
        }

        /** @return a map function reporting to this injection */
        FailOnceAfterCheckpointMap map() {
            return new FailOnceAfterCheckpointMap(token);
        }

        /** @return whether the failure was thrown and a restarted subtask processed a record since */
        boolean restarted() {
            return failed.get() && maxAttempt.get() >= 1;
        }

        @Override
        public String toString() {
            return "armed " + armed + ", failed " + failed + ", max attempt " + maxAttempt;
        }

        @Override
        public void close() {
            REGISTRY.remove(token);
        }
    }

    private final String token;
    private transient long framesSeen;
    /** Frames seen when each pending checkpoint's barrier passed this subtask, by checkpoint id. */
    private transient TreeMap<Long, Long> framesAtCheckpoint;

    private FailOnceAfterCheckpointMap(String token) {
        this.token = token;
    }

    /** @return a new, unarmed injection under a fresh token; close it at the end of the test */
    static Injection create() {
        Injection injection = new Injection(UUID.randomUUID().toString());
        REGISTRY.put(injection.token, injection);
        return injection;
    }

    private Injection injection() {
        Injection injection = REGISTRY.get(token);
        if (injection == null) {
            throw new IllegalStateException("no failure injection registered under " + token);
        }
        return injection;
    }

    @Override
    public FrameResult map(FrameResult r) {
        Injection injection = injection();
        injection.maxAttempt.accumulateAndGet(getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
        if (r.kind == FrameResult.Kind.FRAME) {
            framesSeen++;
            if (injection.armed.get() && injection.failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure at " + r);
            }
        }
        return r;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        framesAtCheckpoint = new TreeMap<>();
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        framesAtCheckpoint.put(context.getCheckpointId(), framesSeen);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Long frames = framesAtCheckpoint.get(checkpointId);
        framesAtCheckpoint.headMap(checkpointId, true).clear();
        if (checkpointId >= 1 && frames != null && frames > 0) {
            injection().armed.set(true);
        }
    }
}
