package io.beamflow.ingest.protocol;

import io.beamflow.ingest.receive.MessageParts;

/**
 * Turns the multipart messages of one wire protocol into journal records. An adapter validates every
 * part against the configured limits before using any size the sender declared, and either writes
 * the message through its {@link IngestRecordWriter} or rejects it there with a named reason.
 * One adapter per stream; called only by that stream's receive agent.
 */
public interface ProtocolAdapter {
    /**
     * Handles one received message.
     *
     * @param parts the message
     * @return {@code true} if it was journaled, {@code false} if it was rejected
     */
    boolean onMessage(MessageParts parts);

    /** @return the protocol name used in configuration */
    String protocolName();
}
