package io.beamflow.ingest.protocol;

import io.beamflow.core.codec.BitshuffleLz4Codec;

/** Adapts the core {@link BitshuffleLz4Codec} to the DECTRIS image decoder. */
final class BitshuffleSupport {
    private BitshuffleSupport() {
    }

    /** @return a decoder backed by a new codec instance */
    static SimplonImageDecoder.BitshuffleDecoder decoder() {
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        return new SimplonImageDecoder.BitshuffleDecoder() {
            @Override
            public long uncompressedLength(byte[] src, int off, int len) {
                return BitshuffleLz4Codec.uncompressedLength(src, off);
            }

            @Override
            public int decompress(byte[] src, int off, int len, int elementSize, byte[] dst, int dstOff) {
                return codec.decompress(src, off, len, elementSize, dst, dstOff);
            }
        };
    }
}
