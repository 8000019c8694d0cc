package io.beamflow.app.control;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fans server-sent events out to connected browsers. Each client has a small queue; a client that
 * falls behind loses its oldest events rather than slowing the others or growing memory. Each client has a
 * filter on beamtime ids (what its sender may read): an event of a beamtime goes only to clients that may read it.
 */
final class SseHub {
    private static final int QUEUE_CAPACITY = 64;
    static final String CLOSE = "\u0000close";

    /** A connected browser and the beamtimes it may see. */
    private record Client(BlockingQueue<String> queue, Predicate<String> mayRead) {
    }

    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final int maxClients;
    private volatile Function<Predicate<String>, List<String>> greeting = f -> List.of();

    SseHub(int maxClients) {
        this.maxClients = maxClients;
    }

    /** Sets the events a new client receives first (current state, as far as its filter lets it see). */
    void greeting(Function<Predicate<String>, List<String>> events) {
        this.greeting = events;
    }

    /** @return a queue for a new client that sees everything; {@code null} when full */
    BlockingQueue<String> register() {
        return register(b -> true);
    }

    /**
     * @param mayRead which beamtime ids ({@code ""}: none) the client may see
     * @return a queue for a new client, pre-filled with the greeting; {@code null} when full
     */
    BlockingQueue<String> register(Predicate<String> mayRead) {
        if (clients.size() >= maxClients) {
            return null;
        }
        BlockingQueue<String> q = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        for (String e : greeting.apply(mayRead)) {
            q.offer(e);
        }
        clients.add(new Client(q, mayRead));
        return q;
    }

    void unregister(BlockingQueue<String> q) {
        clients.removeIf(c -> c.queue() == q);
    }

    int clientCount() {
        return clients.size();
    }

    /** Queues an event that belongs to no beamtime for every client. */
    void broadcast(String event, String dataJson) {
        String text = format(event, dataJson);
        for (Client c : clients) {
            offer(c.queue(), text);
        }
    }

    /**
     * Queues an event of a beamtime: clients that may read it get {@code dataJson}, the others {@code redactedJson}
     * (nothing when it is {@code null}).
     */
    void broadcast(String event, String beamtimeId, String dataJson, String redactedJson) {
        String text = format(event, dataJson);
        String redacted = redactedJson == null ? null : format(event, redactedJson);
        for (Client c : clients) {
            if (c.mayRead().test(beamtimeId)) {
                offer(c.queue(), text);
            } else if (redacted != null) {
                offer(c.queue(), redacted);
            }
        }
    }

    private static void offer(BlockingQueue<String> q, String text) {
        while (!q.offer(text)) {
            q.poll();
        }
    }

    static String format(String event, String dataJson) {
        return "event: " + event + "\ndata: " + dataJson.replace("\n", "\ndata: ") + "\n\n";
    }

    /** Tells every client's handler to finish. */
    void closeAll() {
        for (Client c : clients) {
            c.queue().clear();
            c.queue().offer(CLOSE);
        }
    }

    static String poll(BlockingQueue<String> q, long timeoutMs) throws InterruptedException {
        return q.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
