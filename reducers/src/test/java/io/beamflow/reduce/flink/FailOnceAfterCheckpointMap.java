package io.beamflow.reduce.flink;

import io.beamflow.core.result.FrameResult;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Failure injection: passes results through, slowly until a checkpoint has completed, then throws
 * once in the middle of the series; after the restart it lets everything through, a little slowed down.
 */
final class FailOnceAfterCheckpointMap extends RichMapFunction<FrameResult, FrameResult> implements CheckpointListener {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger MAX_ATTEMPT = new AtomicInteger();

    private transient boolean checkpointCompleted;

    /** Arms the failure again; call before building a job (the flags are shared by the tests of this JVM). */
    static void reset() {
        FAILED.set(false);
        MAX_ATTEMPT.set(0);
    }
    private transient int seenAfterCheckpoint;

    @Override
    public FrameResult map(FrameResult r) throws Exception {
        MAX_ATTEMPT.accumulateAndGet(getRuntimeContext().getTaskInfo().getAttemptNumber(), Math::max);
        if (FAILED.get()) {
            // still slowly, so that checkpoints of the restarted job complete while both streams are being
            // read (each source publishes its checkpointed journal index only on a completed checkpoint)
            Thread.sleep(5);
            return r;
        }
        if (!checkpointCompleted) {
            Thread.sleep(5); // keep the series running until a checkpoint covers part of it
            return r;
        }
        if (r.kind == FrameResult.Kind.FRAME && ++seenAfterCheckpoint > 5 && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure at " + r);
        }
        return r;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointCompleted = true;
    }
}
