package io.beamflow.sink.live;

import io.beamflow.core.wire.ZmqHandshake;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Receives live-view messages on a ZeroMQ SUB socket in a background thread and hands them to a
 * consumer. Undecodable messages are counted and skipped. ZeroMQ reconnects by itself, so the
 * publisher may start later or restart.
 */
public final class LiveViewSubscriber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveViewSubscriber.class);
    private static final int POLL_TIMEOUT_MS = 200;

    private final String endpoint;
    private final Consumer<LiveViewMessage> consumer;
    private final ZContext context = new ZContext(1);
    private final Thread thread;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private volatile boolean running = true;
    /** Where the socket is connected; written by the constructor, then only by the receive thread. */
    private volatile String connectedTo;

    /**
     * Connects and starts receiving.
     *
     * @param endpoint PUB endpoint to connect to
     * @param consumer called on the receive thread for every message
     */
    public LiveViewSubscriber(String endpoint, Consumer<LiveViewMessage> consumer) {
        this(endpoint, consumer, null, null);
    }

    /**
     * Connects with ZeroMQ PLAIN credentials (for a publisher with a {@link LiveViewAuthenticator}) and starts
     * receiving.
     *
     * @param endpoint PUB endpoint to connect to
     * @param consumer called on the receive thread for every message
     * @param username PLAIN user name, or {@code null}: none (NULL mechanism)
     * @param password PLAIN password (at most 255 bytes)
     */
    public LiveViewSubscriber(String endpoint, Consumer<LiveViewMessage> consumer, String username, String password) {
        this.endpoint = endpoint;
        this.consumer = consumer;
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        if (username != null) {
            socket.setPlainUsername(username);
            socket.setPlainPassword(password == null ? "" : password);
        }
        socket.setRcvHWM(4);
        socket.setLinger(0);
        socket.setReceiveTimeOut(POLL_TIMEOUT_MS);
        socket.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS);
        socket.subscribe(new byte[0]);
        follow(socket);
        thread = new Thread(() -> loop(socket), "live-view-subscriber");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Connects to where the endpoint points now: the endpoint itself, or, for a wildcard port, the port a
     * publisher of this JVM bound for it (again when a restarted job's publisher bound another).
     */
    private void follow(ZMQ.Socket socket) {
        String target = LiveViewEndpoints.resolve(endpoint).orElse(null);
        if (Objects.equals(target, connectedTo)) {
            return;
        }
        if (connectedTo != null) {
            socket.disconnect(connectedTo);
        }
        if (target != null) {
            socket.connect(target);
            LOG.info("live view: subscribed to {}{}", target, target.equals(endpoint) ? "" : " (" + endpoint + ")");
        }
        connectedTo = target;
    }

    private void loop(ZMQ.Socket socket) {
        while (running) {
            follow(socket);
            byte[] header;
            try {
                header = socket.recv(); // at most POLL_TIMEOUT_MS, connected or not
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("live-view receive failed on {}: {}", endpoint, e.toString());
                }
                return;
            }
            if (header == null) {
                continue;
            }
            byte[] data = new byte[0];
            while (socket.hasReceiveMore()) {
                byte[] part = socket.recv();
                if (part != null) {
                    data = part;
                }
            }
            LiveViewMessage m;
            try {
                m = LiveViewCodec.decode(header, data);
            } catch (IllegalArgumentException e) {
                undecodable.incrementAndGet();
                LOG.warn("skipping undecodable live-view message from {}: {}", endpoint, e.getMessage());
                continue;
            }
            received.incrementAndGet();
            try {
                consumer.accept(m);
            } catch (RuntimeException e) {
                LOG.warn("live-view consumer failed", e);
            }
        }
    }

    /** @return the endpoint subscribed to (for a wildcard port, the one bound for it once known) */
    public String endpoint() {
        String c = connectedTo;
        return c != null ? c : endpoint;
    }

    /** @return messages received and decoded */
    public long received() {
        return received.get();
    }

    /** @return messages skipped because they could not be decoded */
    public long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2 * POLL_TIMEOUT_MS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }
}
