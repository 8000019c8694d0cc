package io.beamflow.ingest.receive;

import org.zeromq.ZMQ;

/**
 * The parts of one multipart ZeroMQ message, received without copying (each part is the byte array
 * JeroMQ decoded it into). At most {@link #MAX_PARTS} parts are kept; further parts are drained from
 * the socket and only counted, so a sender cannot make the node hold an unbounded message.
 */
public final class MessageParts {
    /** Most parts kept per message (a SIMPLON global header with appendix has 9). */
    public static final int MAX_PARTS = 16;

    private final byte[][] parts = new byte[MAX_PARTS][];
    private int kept;
    private int total;

    /**
     * Receives one whole multipart message if one is waiting.
     *
     * @param socket a socket owned by the calling thread
     * @return {@code false} if no message was waiting
     */
    public boolean receive(ZMQ.Socket socket) {
        clear();
        byte[] first = socket.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return false;
        }
        add(first);
        while (socket.hasReceiveMore()) {
            // The remaining parts of a multipart message are delivered atomically with the first.
            byte[] next = socket.recv(0);
            if (next == null) {
                break;
            }
            add(next);
        }
        return true;
    }

    /**
     * Adds a part (used by tests and by {@link #receive}).
     *
     * @param part the part bytes (not copied)
     */
    public void add(byte[] part) {
        if (kept < MAX_PARTS) {
            parts[kept++] = part;
        }
        total++;
    }

    /** Forgets the parts of the previous message. */
    public void clear() {
        for (int i = 0; i < kept; i++) {
            parts[i] = null;
        }
        kept = 0;
        total = 0;
    }

    /** @return the number of parts the message had (including any not kept) */
    public int count() {
        return total;
    }

    /**
     * @param i part index, {@code 0 <= i < min(count(), MAX_PARTS)}
     * @return the part's bytes
     */
    public byte[] part(int i) {
        if (i >= kept) {
            throw new IndexOutOfBoundsException("part " + i + " of " + kept);
        }
        return parts[i];
    }

    /** @return total bytes of the kept parts */
    public long totalBytes() {
        long n = 0;
        for (int i = 0; i < kept; i++) {
            n += parts[i].length;
        }
        return n;
    }
}
