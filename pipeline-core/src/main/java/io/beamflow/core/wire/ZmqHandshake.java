package io.beamflow.core.wire;

/**
 * The ZeroMQ handshake timeout Beamflow's connecting sockets use. JeroMQ 0.6 leaves about 2-4 % of
 * freshly connected sockets unserviced on the connecting side (the TCP connection is up, the peer's
 * greeting is never read) until the handshake timer drops and re-establishes the connection; ZeroMQ's
 * default for that timer is 30 s. Set with {@code socket.setHandshakeIvl(...)} before {@code connect}.
 */
public final class ZmqHandshake {
    /** Handshake timeout (ms) of connecting sockets: the simulator, journal and live-view clients. */
    public static final int CONNECT_TIMEOUT_MS = 2_000;

    private ZmqHandshake() {
    }
}
