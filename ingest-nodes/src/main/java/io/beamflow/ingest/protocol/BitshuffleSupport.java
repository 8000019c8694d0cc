package io.beamflow.ingest.protocol;

/** Supplies the bitshuffle+LZ4 decoder used for DECTRIS {@code bs*-lz4<} image data. */
final class BitshuffleSupport {
    private BitshuffleSupport() {
    }

    /** @return the decoder, or {@code null} while none is available */
    static SimplonImageDecoder.BitshuffleDecoder decoder() {
        return null;
    }
}
