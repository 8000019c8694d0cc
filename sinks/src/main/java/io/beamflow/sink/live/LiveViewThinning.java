package io.beamflow.sink.live;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.result.FrameResult;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Runs next to the decision, before the results travel to the one live-view subtask: passes every result, but
 * the pixels of a frame only when none went out in the last interval (half the publish interval; never, when a
 * live path gives the images), so that the results carry the few images the live view can publish instead of
 * every frame's megabytes (it publishes at most {@code maxRateHz} images a second and prefers frames that have
 * one). A frame that passed through as its received bitshuffle+LZ4 chunk is decompressed for the images passed. Never
 * changes its input: the HDF5 sink may hold the same object.
 */
final class LiveViewThinning implements MapFunction<FrameResult, FrameResult> {
    private static final long serialVersionUID = 1L;

    private final long intervalNs;
    private final SerializableClock clock;
    private transient long lastImageNs;
    private transient boolean imageSent;
    private transient BitshuffleLz4Codec codec;

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

    private byte[] decompress(FrameResult r) {
        if (codec == null) {
            codec = new BitshuffleLz4Codec();
        }
        try {
            byte[] pixels = new byte[Math.toIntExact((long) r.width * r.height * r.pixelType.bytes())];
            return codec.decompress(r.chunk, 0, r.chunk.length, r.pixelType.bytes(), pixels, 0) == pixels.length
                    ? pixels : null;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null; // the reduction decompressed it already; the image is only skipped
        }
    }

    @Override
    public FrameResult map(FrameResult r) {
        if (r.kind != FrameResult.Kind.FRAME || (r.pixels == null && r.chunk == null)) {
            return r;
        }
        long now = clock.getAsLong();
        boolean hasImage = r.pixels != null || PayloadCodec.BSLZ4.configName().equals(r.chunkCodec);
        if (hasImage && intervalNs != Long.MAX_VALUE && (!imageSent || now - lastImageNs >= intervalNs)) {
            imageSent = true;
            lastImageNs = now;
            if (r.chunk == null) {
                return r;
            }
            FrameResult image = r.shallowCopy();
            image.chunk = null; // the live view needs the pixels, not the file's chunk
            if (image.pixels == null) {
                // a frame passed through compressed as received: decompressed here, for the few images published
                image.pixels = decompress(r); // null when it does not decompress: features only
            }
            return image;
        }
        FrameResult thin = r.shallowCopy();
        thin.pixels = null;
        thin.chunk = null;
        return thin;
    }
}
