package io.beamflow.core.frame;

import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A frame (or module part) with its pixel payload. The payload is little-endian pixel data of
 * {@link FrameHeader#payloadLength()} bytes, row-major, held in an Agrona buffer over a heap array so
 * that the object can travel through Flink and be handed to HDF5 writers without further copies.
 */
public final class Frame {
    private final FrameHeader header;
    private final byte[] payload;

    /**
     * @param header  frame description
     * @param payload pixel bytes; ownership passes to this frame (not copied)
     */
    public Frame(FrameHeader header, byte[] payload) {
        this.header = Objects.requireNonNull(header, "header");
        this.payload = Objects.requireNonNull(payload, "payload");
        if (payload.length != header.payloadLength()) {
            throw new IllegalArgumentException("payload is " + payload.length + " bytes, header implies "
                    + header.payloadLength());
        }
    }

    /** @return the frame description */
    public FrameHeader header() {
        return header;
    }

    /** @return the payload array itself (not a copy) */
    public byte[] payloadArray() {
        return payload;
    }

    /** @return a new read-only view of the payload */
    public DirectBuffer payload() {
        return new UnsafeBuffer(payload);
    }

    @Override
    public String toString() {
        return "Frame{" + header + '}';
    }
}
