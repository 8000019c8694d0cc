package io.beamflow.core.config;

import java.util.ArrayList;
import java.util.List;

/** Ingest-node settings. */
public final class IngestConfig {
    /** ZeroMQ endpoints the node binds, e.g. {@code tcp://127.0.0.1:9999}; one receive agent each. */
    public List<String> endpoints = new ArrayList<>(List.of("tcp://127.0.0.1:9999"));
    /** Protocol spoken on the endpoints: {@code native}, {@code dectris-stream-v1} or {@code dectris-stream-v2}. */
    public String protocol = "native";
    /** Socket mode: {@code pull} (default) or {@code sub}. */
    public String socketMode = "pull";
    /** ZeroMQ receive high-water mark (messages). */
    public int receiveHighWaterMark = 1000;
    /**
     * ZeroMQ handshake timeout (ms) of the node's sockets: a connection whose ZMTP handshake has not
     * completed by then is dropped and re-established. Short for the reason given in
     * {@link io.beamflow.core.wire.ZmqHandshake}; it matters when the node connects ({@code >} endpoints,
     * SUB mode).
     */
    public int handshakeTimeoutMs = 3000;
    /** Kernel receive buffer size in bytes (0: system default). */
    public int receiveBufferBytes = 0;
    /**
     * Memory per stream for received frame parts not yet journaled, in bytes. When it is used up the
     * node stops reading the socket until the journal catches up (TCP then pushes back on the sender),
     * instead of buffering up to {@link #receiveHighWaterMark} frames in fresh memory.
     */
    public long receiveMemoryBytes = 256L << 20;
    /**
     * Longest time (ms) the node waits for receive memory before allocating a part over
     * {@link #receiveMemoryBytes} (counted); bounds the stall of a message whose parts alone exceed it.
     */
    public long receiveMemoryWaitMs = 1000;
    /** Largest accepted header/JSON part. */
    public int maxHeaderBytes = 64 * 1024;
    /** Largest accepted payload part. */
    public long maxFrameBytes = 64L * 1024 * 1024;
    /** Journal directory (one sub-directory per endpoint/stream). */
    public String journalDirectory = "data/journal";
    /** Chronicle roll cycle of the journal. */
    public String journalRollCycle = "FIVE_MINUTELY";
    /** Chronicle block size in bytes. */
    public long journalBlockSizeBytes = 256L << 20;
    /** Stop reading the socket when free space on the journal volume drops below this. */
    public long journalMinFreeBytes = 1L << 30;
    /** Endpoint of the journal server (replay over ZeroMQ for remote Flink sources); empty: off. */
    public String journalServerEndpoint = "";
}
