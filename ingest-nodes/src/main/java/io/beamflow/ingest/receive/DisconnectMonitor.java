package io.beamflow.ingest.receive;

import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Watches a receive socket for dropped peer connections. ZeroMQ drops the connection of a sender whose
 * message part exceeds the socket's maximum message size (before allocating it), so such a message
 * is visible to the node only as a disconnect; the receive agent counts and logs them.
 */
public final class DisconnectMonitor implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final ZMQ.Socket pair;

    /**
     * Starts monitoring {@code socket}; call from the thread that owns it, before it is used elsewhere.
     *
     * @param context the socket's context
     * @param socket  the monitored socket
     */
    public DisconnectMonitor(ZContext context, ZMQ.Socket socket) {
        String address = "inproc://beamflow-disconnects-" + IDS.incrementAndGet();
        socket.monitor(address, ZMQ.EVENT_DISCONNECTED);
        pair = context.createSocket(SocketType.PAIR);
        pair.setLinger(0);
        pair.connect(address);
    }

    /** @return disconnect events that arrived since the last call (never blocks) */
    @SuppressWarnings("deprecation") // ZMQ.Event is JeroMQ 0.6's decoder of monitor messages
    public int poll() {
        int n = 0;
        ZMQ.Event e;
        while (n < 64 && (e = ZMQ.Event.recv(pair, ZMQ.DONTWAIT)) != null) {
            if (e.getEvent() == ZMQ.EVENT_DISCONNECTED) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        pair.close();
    }
}
