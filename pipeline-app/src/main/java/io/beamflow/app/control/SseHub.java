package io.beamflow.app.control;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fans server-sent events out to connected browsers. Each client has a small queue; a client that
 * falls behind loses its oldest events rather than slowing the others or growing memory.
 */
final class SseHub {
    private static final int QUEUE_CAPACITY = 64;
    static final String CLOSE = "\u0000close";

    private final List<BlockingQueue<String>> clients = new CopyOnWriteArrayList<>();
    private final int maxClients;
    private volatile Supplier<List<String>> greeting = List::of;

    SseHub(int maxClients) {
        this.maxClients = maxClients;
    }

    /** Sets the events a new client receives first (current state). */
    void greeting(Supplier<List<String>> events) {
        this.greeting = events;
    }

    /** @return a queue for a new client, pre-filled with the greeting; {@code null} when full */
    BlockingQueue<String> register() {
        if (clients.size() >= maxClients) {
            return null;
        }
        BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        for (String e : greeting.get()) {
            q.offer(e);
        }
        clients.add(q);
        return q;
    }

    void unregister(BlockingQueue<String> q) {
        clients.remove(q);
    }

    int clientCount() {
        return clients.size();
    }

    /** Queues an event for every client. */
    void broadcast(String event, String dataJson) {
        String text = format(event, dataJson);
        for (BlockingQueue<String> q : clients) {
            while (!q.offer(text)) {
                q.poll();
            }
        }
    }

    static String format(String event, String dataJson) {
        return "event: " + event + "\ndata: " + dataJson.replace("\n", "\ndata: ") + "\n\n";
    }

    /** Tells every client's handler to finish. */
    void closeAll() {
        for (BlockingQueue<String> q : clients) {
            q.clear();
            q.offer(CLOSE);
        }
    }

    static String poll(BlockingQueue<String> q, long timeoutMs) throws InterruptedException {
        return q.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
