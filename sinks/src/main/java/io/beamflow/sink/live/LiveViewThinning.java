package io.beamflow.sink.live;

import io.beamflow.core.result.FrameResult;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Runs next to the decision, before the results travel to the one live-view subtask: passes every result, but
 * the pixels of a frame only when none went out in the last interval (half the publish interval; never, when a
 * live path gives the images), so that the results carry the few images the live view can publish instead of
 * every frame's megabytes (it publishes at most {@code maxRateHz} images a second and prefers frames that have
 * one). Never changes its input: the HDF5 sink may hold the same object.
 */
final class LiveViewThinning implements MapFunction<FrameResult, FrameResult> {
    private static final long serialVersionUID = 1L;

    private final long intervalNs;
    private final SerializableClock clock;
    private transient long lastImageNs;
    private transient boolean imageSent;

    /** A monotonic clock that travels with the job graph. */
    interface SerializableClock extends LongSupplier, java.io.Serializable {
    }

    /**
     * @param intervalNs shortest time between two images passed (half the live view's publish interval);
     *                   0: every image passes; {@link Long#MAX_VALUE}: none does (a live path gives them)
     * @param clock      monotonic clock, ns
     */
    LiveViewThinning(long intervalNs, SerializableClock clock) {
        this.intervalNs = intervalNs;
        this.clock = clock;
    }

    @Override
    public FrameResult map(FrameResult r) {
        if (r.kind != FrameResult.Kind.FRAME || (r.pixels == null && r.chunk == null)) {
            return r;
        }
        long now = clock.getAsLong();
        if (r.pixels != null && intervalNs != Long.MAX_VALUE && (!imageSent || now - lastImageNs >= intervalNs)) {
            imageSent = true;
            lastImageNs = now;
            if (r.chunk == null) {
                return r;
            }
            FrameResult image = r.shallowCopy();
            image.chunk = null; // the live view needs the pixels, not the file's chunk
            return image;
        }
        FrameResult thin = r.shallowCopy();
        thin.pixels = null;
        thin.chunk = null;
        return thin;
    }
}
