package io.beamflow.ingest.receive;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Watches a receive socket's connections. ZeroMQ drops the connection of a sender whose message part
 * exceeds the socket's maximum message size (before allocating it), so such a message is visible to
 * the node only as a disconnect; the receive agent counts them. Connection changes (accepted,
 * connected, handshake completed or failed, closed) are logged with the address, so an operator can
 * see whether the detector is connected; of a run of connect retries (every 100 ms while a detector
 * is down) only the first is logged.
 */
public final class DisconnectMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DisconnectMonitor.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final String streamId;
    private final ZMQ.Socket pair;
    private boolean retrying;

    /**
     * Starts monitoring {@code socket}; call from the thread that owns it, before it is used elsewhere.
     *
     * @param context  the socket's context
     * @param socket   the monitored socket
     * @param streamId the stream the socket feeds, for the log
     */
    public DisconnectMonitor(ZContext context, ZMQ.Socket socket, String streamId) {
        this.streamId = streamId;
        String address = "inproc://beamflow-disconnects-" + IDS.incrementAndGet();
        socket.monitor(address, ZMQ.EVENT_ALL);
        pair = context.createSocket(SocketType.PAIR);
        pair.setLinger(0);
        pair.connect(address);
    }

    /** @return disconnect events that arrived since the last call (never blocks) */
    @SuppressWarnings("deprecation") // ZMQ.Event is JeroMQ 0.6's decoder of monitor messages
    public int poll() {
        int disconnects = 0;
        ZMQ.Event e;
        for (int n = 0; n < 64 && (e = ZMQ.Event.recv(pair, ZMQ.DONTWAIT)) != null; n++) {
            int event = e.getEvent();
            if (event == ZMQ.EVENT_DISCONNECTED) {
                disconnects++; // logged, rate-limited, by the receive agent
                continue;
            }
            if (event == ZMQ.EVENT_CONNECT_DELAYED || event == ZMQ.EVENT_MONITOR_STOPPED) {
                continue; // a non-blocking connect in progress; the end of monitoring
            }
            if (event == ZMQ.EVENT_CONNECT_RETRIED) {
                if (!retrying) {
                    retrying = true;
                    LOG.info("stream {}: cannot connect to {} yet, retrying", streamId, e.getAddress());
                }
                continue;
            }
            if (event == ZMQ.EVENT_CONNECTED) {
                retrying = false;
            }
            if (e.isError()) {
                LOG.warn("stream {}: socket event {} on {} ({})", streamId, name(event), e.getAddress(), e.getValue());
            } else {
                LOG.info("stream {}: socket event {} on {}", streamId, name(event), e.getAddress());
            }
        }
        return disconnects;
    }

    private static String name(int event) {
        return switch (event) {
            case ZMQ.EVENT_CONNECTED -> "CONNECTED";
            case ZMQ.EVENT_LISTENING -> "LISTENING";
            case ZMQ.EVENT_BIND_FAILED -> "BIND_FAILED";
            case ZMQ.EVENT_ACCEPTED -> "ACCEPTED";
            case ZMQ.EVENT_ACCEPT_FAILED -> "ACCEPT_FAILED";
            case ZMQ.EVENT_CLOSED -> "CLOSED";
            case ZMQ.EVENT_CLOSE_FAILED -> "CLOSE_FAILED";
            case ZMQ.EVENT_DISCONNECTED -> "DISCONNECTED";
            case ZMQ.EVENT_HANDSHAKE_PROTOCOL -> "HANDSHAKE_PROTOCOL";
            default -> "event 0x" + Integer.toHexString(event);
        };
    }

    @Override
    public void close() {
        pair.close();
    }
}
