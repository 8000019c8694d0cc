package io.beamflow.archive.target;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Idle HTTP/1.1 connections kept alive for the next PUT to the same host and port (a door or a pool). */
final class KeepAlivePool implements AutoCloseable {
    private static final int MAX_IDLE_PER_HOST = 8;
    private final Map<String, ArrayDeque<HttpConnection>> idle = new HashMap<>();
    private boolean closed;

    /**
     * @param host      host
     * @param port      port
     * @param timeoutMs connect timeout for a new connection
     * @return an idle connection that is still open, else a new one
     * @throws IOException when a new connection cannot be made
     */
    HttpConnection take(String host, int port, long timeoutMs) throws IOException {
        String key = HttpConnection.keyOf(host, port);
        while (true) {
            HttpConnection c;
            synchronized (this) {
                ArrayDeque<HttpConnection> q = idle.get(key);
                c = q == null ? null : q.pollLast();
            }
            if (c == null) {
                return HttpConnection.open(host, port, timeoutMs);
            }
            if (c.idleAndOpen()) {
                return c;
            }
            c.close();
        }
    }

    /** @param c a connection whose exchange is complete: kept when reusable, else closed */
    void release(HttpConnection c) {
        if (c.reusable()) {
            synchronized (this) {
                ArrayDeque<HttpConnection> q = idle.computeIfAbsent(c.key(), k -> new ArrayDeque<>());
                if (!closed && q.size() < MAX_IDLE_PER_HOST) {
                    q.addLast(c);
                    return;
                }
            }
        }
        c.close();
    }

    @Override
    public void close() {
        List<HttpConnection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(HttpConnection::close);
    }
}
