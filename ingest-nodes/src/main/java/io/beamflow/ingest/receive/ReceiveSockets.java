package io.beamflow.ingest.receive;

import io.beamflow.core.config.IngestConfig;
import java.util.Locale;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Creates receive sockets. An endpoint may be prefixed, as in CZMQ, with {@code @} (bind) or
 * {@code >} (connect); without a prefix a PULL socket binds (detectors connect to the node) and a
 * SUB socket connects (to a publishing detector). A DECTRIS detector binds its stream port, so its
 * endpoint is written {@code >tcp://detector:9999}.
 */
public final class ReceiveSockets {
    private ReceiveSockets() {
    }

    /**
     * @param endpoint endpoint, optionally prefixed
     * @return the endpoint without its bind/connect prefix
     */
    public static String address(String endpoint) {
        return endpoint.startsWith("@") || endpoint.startsWith(">") ? endpoint.substring(1) : endpoint;
    }

    /**
     * Opens, configures and binds or connects a socket.
     *
     * @param maxMessageBytes largest message part ZeroMQ may accept (larger ones drop the connection
     *                        before any memory is allocated for them)
     * @throws IllegalArgumentException for an unknown socket mode
     */
    public static ZMQ.Socket open(ZContext context, String endpoint, IngestConfig config, long maxMessageBytes) {
        return open(context, endpoint, config, maxMessageBytes, null);
    }

    /**
     * Opens a socket whose large message parts are decoded into {@code allocator}'s pooled direct buffers.
     *
     * @param allocator message allocator, or {@code null} for JeroMQ's heap allocation
     */
    public static ZMQ.Socket open(ZContext context, String endpoint, IngestConfig config, long maxMessageBytes,
            PooledMsgAllocator allocator) {
        String mode = config.socketMode == null ? "pull" : config.socketMode.toLowerCase(Locale.ROOT);
        SocketType type = switch (mode) {
            case "pull" -> SocketType.PULL;
            case "sub" -> SocketType.SUB;
            default -> throw new IllegalArgumentException("unknown ingest socketMode '" + config.socketMode
                    + "' (expected pull or sub)");
        };
        ZMQ.Socket socket = context.createSocket(type);
        try {
            socket.setLinger(0);
            socket.setRcvHWM(config.receiveHighWaterMark);
            if (config.handshakeTimeoutMs > 0) {
                socket.setHandshakeIvl(config.handshakeTimeoutMs);
            }
            if (config.receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(config.receiveBufferBytes);
            }
            socket.setMaxMsgSize(maxMessageBytes);
            if (allocator != null) {
                socket.setMsgAllocator(allocator);
            }
            if (type == SocketType.SUB) {
                socket.subscribe(new byte[0]);
            }
            boolean bind = endpoint.startsWith("@") || (!endpoint.startsWith(">") && type == SocketType.PULL);
            String address = address(endpoint);
            if (bind) {
                socket.bind(address);
            } else {
                socket.connect(address);
            }
            return socket;
        } catch (RuntimeException e) {
            socket.close();
            throw new IllegalArgumentException("cannot open ingest endpoint " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /**
     * Derives the stream id (journal sub-directory) from an endpoint: transport and address with every
     * character outside {@code [A-Za-z0-9._-]} replaced by '-', e.g. {@code tcp-127.0.0.1-9999}.
     *
     * @param endpoint endpoint, optionally prefixed
     * @return the stream id
     */
    public static String streamId(String endpoint) {
        String a = address(endpoint).replace("://", "-");
        StringBuilder sb = new StringBuilder(a.length());
        for (char c : a.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-';
            sb.append(ok ? c : '-');
        }
        String id = sb.toString().replaceAll("-{2,}", "-").replaceAll("^[-.]+", "");
        return id.isEmpty() ? "stream" : id;
    }
}
