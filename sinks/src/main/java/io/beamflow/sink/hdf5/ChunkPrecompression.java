package io.beamflow.sink.hdf5;

import io.beamflow.core.config.SinkConfig;
import io.beamflow.core.result.FrameResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Encodes each frame's pixels as the HDF5 sink's chunk where the frame was reduced, in every reduction subtask,
 * so that compression scales with the reduction and the exchange to the sink carries compressed bytes (about a
 * fifth of the raw ones with bitshuffle/LZ4); the sink then writes the chunk as it is. Runs before the rule
 * decision, so a frame that is then vetoed was compressed for nothing. Changes its input, which only the
 * reduction that made it holds.
 */
public final class ChunkPrecompression extends RichMapFunction<FrameResult, FrameResult> {
    private static final long serialVersionUID = 1L;

    private final String compression;
    private final boolean keepPixels;
    private transient Compression codec;
    private transient ChunkEncoder encoder;
    private transient byte[] scratch;

    /**
     * @param sink       the sink's settings (its compression)
     * @param keepPixels whether the raw pixels travel on too (for a live view that takes its images from the
     *                   record path)
     */
    public ChunkPrecompression(SinkConfig sink, boolean keepPixels) {
        this.compression = sink.compression;
        this.keepPixels = keepPixels;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = Compression.parse(compression);
        encoder = codec.newEncoder();
    }

    @Override
    public FrameResult map(FrameResult r) {
        if (r.kind != FrameResult.Kind.FRAME || r.pixels == null || encoder == null) {
            return r;
        }
        int element = r.pixelType.bytes();
        int max = encoder.maxEncodedLength(r.pixels.length, element);
        if (scratch == null || scratch.length < max) {
            scratch = new byte[max];
        }
        r.chunk = java.util.Arrays.copyOf(scratch, encoder.encode(r.pixels, 0, r.pixels.length, element, scratch));
        r.chunkCodec = codec.configName();
        if (!keepPixels) {
            r.pixels = null;
        }
        return r;
    }
}
