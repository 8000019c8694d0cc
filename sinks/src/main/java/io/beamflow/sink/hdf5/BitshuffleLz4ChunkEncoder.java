package io.beamflow.sink.hdf5;

import io.beamflow.core.codec.BitshuffleLz4Codec;

/** Bitshuffle+LZ4 chunk encoder (filter 32008 chunk format), backed by {@link BitshuffleLz4Codec}. */
final class BitshuffleLz4ChunkEncoder implements ChunkEncoder {
    private final BitshuffleLz4Codec codec = new BitshuffleLz4Codec();

    @Override
    public int maxEncodedLength(int len, int elementSize) {
        return BitshuffleLz4Codec.maxCompressedLength(len, elementSize);
    }

    @Override
    public int encode(byte[] src, int off, int len, int elementSize, byte[] dst) {
        return codec.compress(src, off, len, elementSize, dst, 0);
    }
}
