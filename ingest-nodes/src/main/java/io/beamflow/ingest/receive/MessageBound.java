package io.beamflow.ingest.receive;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import zmq.Msg;
import zmq.io.Metadata;

/**
 * Bounds the parts and bytes of one multipart message while JeroMQ's I/O thread decodes it, before it
 * is assembled. ZeroMQ makes a multipart message readable only when its last part has arrived, so a
 * sender that never ends a message (millions of empty parts) would otherwise make the node hold every
 * part until the connection closes; the socket's high-water mark counts only whole messages.
 *
 * <p>Each part the socket's allocator hands out is a {@link BoundedMsg}; JeroMQ attaches the
 * connection's metadata to it just before queueing it, and that call reports the part here, per
 * connection. A part beyond the bound has its "more" flag removed, so the parts so far become a
 * message the receive agent reads and rejects ({@code MESSAGE_TOO_LARGE}); the rest of the sender's
 * message is passed on in bounded pieces marked discarded, which the agent drops. Memory per
 * connection thus stays below {@code maxParts} parts and {@code maxBytes} bytes (plus one part).
 */
public final class MessageBound {
    /** Connections (their metadata instance) with a message under way; pruned when it grows. */
    private static final int MAX_TRACKED_CONNECTIONS = 1024;

    private final int maxParts;
    private final long maxBytes;
    private final Map<Metadata, Run> runs = new IdentityHashMap<>();
    private final AtomicLong cutMessages = new AtomicLong();
    private final AtomicLong discardedParts = new AtomicLong();

    /**
     * @param maxParts most parts of one message
     * @param maxBytes most bytes of one message (all parts)
     */
    public MessageBound(int maxParts, long maxBytes) {
        if (maxParts < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("message bound must be positive: " + maxParts + " parts, "
                    + maxBytes + " bytes");
        }
        this.maxParts = maxParts;
        this.maxBytes = maxBytes;
    }

    /** Parts and bytes of the message a connection is sending. */
    private static final class Run {
        int parts;
        long bytes;
        boolean discarding;

        void restart() {
            parts = 0;
            bytes = 0;
        }
    }

    /**
     * Called (on the I/O thread) for each decoded part as JeroMQ attaches its connection's metadata.
     *
     * @param part       the part, its "more" flag already set
     * @param connection the connection's metadata (one instance per connection)
     */
    synchronized void onPart(BoundedMsg part, Metadata connection) {
        Run run = runs.get(connection);
        if (run == null) {
            if (runs.size() >= MAX_TRACKED_CONNECTIONS) {
                runs.values().removeIf(r -> r.parts == 0 && !r.discarding);
                if (runs.size() >= MAX_TRACKED_CONNECTIONS) {
                    runs.clear(); // connections that went away mid-message; worst case one bound restarts
                }
            }
            run = new Run();
            runs.put(connection, run);
        }
        boolean more = part.hasMore();
        run.parts++;
        run.bytes += part.size();
        if (run.discarding) {
            part.discarded = true;
            discardedParts.incrementAndGet();
            if (!more) {
                run.discarding = false;
                run.restart();
            } else if (run.parts >= maxParts || run.bytes >= maxBytes) {
                part.resetFlags(Msg.MORE); // hand this piece to the agent, which drops it
                run.restart();
            }
            return;
        }
        if (!more) {
            run.restart();
        } else if (run.parts > maxParts || run.bytes > maxBytes) {
            part.resetFlags(Msg.MORE);
            part.cut = true;
            run.discarding = true;
            run.restart();
            cutMessages.incrementAndGet();
        }
    }

    /** @return messages cut off because they exceeded the bound */
    public long cutMessages() {
        return cutMessages.get();
    }

    /** @return parts discarded after a message was cut off */
    public long discardedParts() {
        return discardedParts.get();
    }

    /** @return most parts of one message */
    public int maxParts() {
        return maxParts;
    }

    /** @return most bytes of one message */
    public long maxBytes() {
        return maxBytes;
    }
}
