package io.beamflow.sink.live;

import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Answers ZAP requests (RFC 27) of one ZeroMQ context: PLAIN credentials checked by a {@link LiveViewAuthenticator}. */
final class ZapHandler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZapHandler.class);
    /** Where ZeroMQ sends a context's authentication requests. */
    static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";
    private static final int POLL_MS = 100;
    private static final long LOG_INTERVAL_NS = 10_000_000_000L;

    private final ZMQ.Socket socket;
    private final LiveViewAuthenticator authenticator;
    private final MeterRegistry registry;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastLogNs = System.nanoTime() - LOG_INTERVAL_NS;

    ZapHandler(ZContext context, LiveViewAuthenticator authenticator, MeterRegistry registry) {
        this.authenticator = authenticator;
        this.registry = registry;
        this.socket = context.createSocket(SocketType.REP);
        socket.setLinger(0);
        socket.setReceiveTimeOut(POLL_MS);
        socket.bind(ZAP_ENDPOINT); // before the PUB socket binds: no connection is ever served unauthenticated
        this.thread = new Thread(this::loop, "live-view-zap");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            byte[] first;
            try {
                first = socket.recv();
            } catch (RuntimeException e) {
                return; // context closed
            }
            if (first == null) {
                continue;
            }
            java.util.List<String> frames = new java.util.ArrayList<>();
            frames.add(new String(first, StandardCharsets.UTF_8));
            while (socket.hasReceiveMore() && frames.size() < 16) {
                byte[] part = socket.recv();
                frames.add(part == null ? "" : new String(part, StandardCharsets.UTF_8));
            }
            String requestId = frames.size() > 1 ? frames.get(1) : "";
            String reason;
            if (frames.size() < 6 || !"1.0".equals(frames.get(0))) {
                reason = "bad_request";
            } else if (!"PLAIN".equals(frames.get(5)) || frames.size() < 8) {
                reason = "not_plain";
            } else {
                try {
                    reason = authenticator.refusal(frames.get(6), frames.get(7));
                } catch (RuntimeException e) {
                    reason = "error";
                    LOG.warn("live view: checking a subscriber's credentials failed", e);
                }
            }
            if (reason != null) {
                Counter.builder(MetricNames.LIVE_AUTH_REFUSED).tag("reason", reason)
                        .description("live-view subscribers refused by ZAP").register(registry).increment();
                long now = System.nanoTime();
                if (now - lastLogNs >= LOG_INTERVAL_NS) {
                    lastLogNs = now;
                    LOG.warn("live view: subscriber from {} refused ({})", frames.size() > 3 ? frames.get(3) : "?",
                            reason);
                }
            }
            socket.sendMore("1.0");
            socket.sendMore(requestId);
            socket.sendMore(reason == null ? "200" : "400");
            socket.sendMore(reason == null ? "OK" : reason);
            socket.sendMore(reason == null && frames.size() > 6 ? frames.get(6) : "");
            socket.send(new byte[0]);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2L * POLL_MS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
