package io.beamflow.reduce.kernel;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.CodecException;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;

/**
 * The reduction's decode step for frames journaled compressed ({@link PayloadCodec#BSLZ4}): decompresses into a
 * buffer it reuses from frame to frame (for a frame whose received bytes go on to the file as its chunk, so only
 * the features need the pixels), or into a new array (for pixels that travel on). Plain Java; one instance per
 * thread.
 */
public final class CompressedFrameDecoder {
    private final BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
    private byte[] reused = new byte[0];

    /**
     * @param body      the frame's body as journaled
     * @param codec     its codec
     * @param width     frame width
     * @param height    frame height
     * @param type      pixel type
     * @param reuse     whether the pixels may go to the reused buffer (valid until the next call) rather than a new
     *                  array the caller owns
     * @return the little-endian pixels ({@code body} itself for {@link PayloadCodec#RAW}); with {@code reuse} the
     *         array may be longer than the frame
     * @throws CodecException when the body does not decompress to exactly the frame's size
     */
    public byte[] decode(byte[] body, PayloadCodec codec, int width, int height, PixelType type, boolean reuse) {
        if (codec == PayloadCodec.RAW) {
            return body;
        }
        if (codec != PayloadCodec.BSLZ4) {
            throw new CodecException("unsupported payload codec " + codec);
        }
        int raw = Math.toIntExact((long) width * height * type.bytes());
        byte[] out;
        if (reuse) {
            if (reused.length < raw) {
                reused = new byte[raw];
            }
            out = reused;
        } else {
            out = new byte[raw];
        }
        int n = this.codec.decompress(body, 0, body.length, type.bytes(), out, 0);
        if (n != raw) {
            throw new CodecException("bitshuffle/LZ4 frame decompressed to " + n + " bytes, its shape implies " + raw);
        }
        return out;
    }
}
