package io.beamflow.sink.hdf5;

/** Bitshuffle+LZ4 chunk encoder (filter 32008 chunk format). */
final class BitshuffleLz4ChunkEncoder implements ChunkEncoder {
    @Override
    public int maxEncodedLength(int len, int elementSize) {
        throw new UnsupportedOperationException("bitshuffle/LZ4 codec not merged yet");
    }

    @Override
    public int encode(byte[] src, int off, int len, int elementSize, byte[] dst) {
        throw new UnsupportedOperationException("bitshuffle/LZ4 codec not merged yet");
    }
}
