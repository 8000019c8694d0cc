package io.beamflow.ingest.receive;

import java.nio.ByteBuffer;
import zmq.Msg;
import zmq.io.Metadata;

/** A received message part that reports itself to its socket's {@link MessageBound} as it is queued. */
final class BoundedMsg extends Msg {
    private final MessageBound bound;
    /** This part ended its message early: the message exceeded the bound. */
    boolean cut;
    /** This part belongs to a message that was cut off before: the receiver drops it. */
    boolean discarded;

    BoundedMsg(int size, MessageBound bound) {
        super(size);
        this.bound = bound;
    }

    BoundedMsg(ByteBuffer buffer, MessageBound bound) {
        super(buffer);
        this.bound = bound;
    }

    @Override
    public Msg setMetadata(Metadata metadata) {
        super.setMetadata(metadata);
        if (metadata != null) {
            bound.onPart(this, metadata);
        }
        return this;
    }
}
