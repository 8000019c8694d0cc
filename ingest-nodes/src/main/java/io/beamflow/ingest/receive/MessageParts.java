package io.beamflow.ingest.receive;

import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.ZMQ;
import zmq.Msg;

/**
 * The parts of one multipart ZeroMQ message as JeroMQ decoded them (large parts in pooled direct
 * buffers, see {@link PooledMsgAllocator}). At most {@link #MAX_PARTS} parts are kept; further parts
 * are drained from the socket and only counted, so a sender cannot make the node hold an unbounded
 * message. {@link #view} gives a zero-copy view of a part; {@link #part} a byte array (copied only for
 * direct parts, which protocol adapters use for small JSON parts and compressed data).
 */
public final class MessageParts {
    /** Most parts kept per message (a SIMPLON global header with appendix has 9). */
    public static final int MAX_PARTS = 16;

    private final Msg[] parts = new Msg[MAX_PARTS];
    private final byte[][] arrays = new byte[MAX_PARTS][];
    private final UnsafeBuffer[] views = new UnsafeBuffer[MAX_PARTS];
    private final PooledMsgAllocator allocator;
    private int kept;
    private int total;
    private boolean cut;
    private boolean discarded;

    /** @param allocator where direct part buffers go back to, or {@code null} */
    public MessageParts(PooledMsgAllocator allocator) {
        this.allocator = allocator;
        for (int i = 0; i < MAX_PARTS; i++) {
            views[i] = new UnsafeBuffer(new byte[0]);
        }
    }

    /** Parts without a pool (tests, heap-only sockets). */
    public MessageParts() {
        this(null);
    }

    /**
     * Receives one whole multipart message if one is waiting.
     *
     * @param socket a socket owned by the calling thread
     * @return {@code false} if no message was waiting
     */
    public boolean receive(ZMQ.Socket socket) {
        clear();
        Msg first = socket.recvMsg(ZMQ.DONTWAIT);
        if (first == null) {
            return false;
        }
        add(first);
        while (socket.hasReceiveMore()) {
            // The remaining parts of a multipart message are delivered atomically with the first.
            Msg next = socket.recvMsg(0);
            if (next == null) {
                break;
            }
            add(next);
        }
        return true;
    }

    /**
     * Adds a part (tests build messages with it).
     *
     * @param part the part bytes (not copied)
     */
    public void add(byte[] part) {
        add(new Msg(part));
    }

    private void add(Msg msg) {
        if (msg instanceof BoundedMsg b) {
            cut |= b.cut;
            discarded |= b.discarded;
        }
        if (kept < MAX_PARTS) {
            parts[kept++] = msg;
        } else {
            recycle(msg);
        }
        total++;
    }

    /** Forgets the parts of the previous message, recycling their direct buffers. */
    public void clear() {
        for (int i = 0; i < kept; i++) {
            recycle(parts[i]);
            parts[i] = null;
            arrays[i] = null;
            views[i].wrap(new byte[0]);
        }
        kept = 0;
        total = 0;
        cut = false;
        discarded = false;
    }

    /**
     * @return whether the message exceeded its socket's {@link MessageBound} and was cut off while it
     *         arrived (reject it; the rest of it arrives as {@link #discardedRest()} pieces)
     */
    public boolean cut() {
        return cut;
    }

    /** @return whether these parts are the rest of a message that was {@link #cut()} before: drop them */
    public boolean discardedRest() {
        return discarded && !cut;
    }

    private void recycle(Msg msg) {
        if (allocator != null) {
            allocator.release(msg.buf());
        }
    }

    /** @return the number of parts the message had (including any not kept) */
    public int count() {
        return total;
    }

    private Msg msg(int i) {
        if (i >= kept) {
            throw new IndexOutOfBoundsException("part " + i + " of " + kept);
        }
        return parts[i];
    }

    /**
     * @param i part index, {@code 0 <= i < min(count(), MAX_PARTS)}
     * @return the part's length in bytes
     */
    public int length(int i) {
        return msg(i).size();
    }

    /**
     * @param i part index
     * @return the part's bytes (the decoded array itself for heap parts, a copy for direct parts)
     */
    public byte[] part(int i) {
        Msg m = msg(i);
        if (arrays[i] == null) {
            ByteBuffer b = m.buf();
            if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == m.size()) {
                arrays[i] = b.array();
            } else {
                byte[] copy = new byte[m.size()];
                b.get(0, copy, 0, copy.length);
                arrays[i] = copy;
            }
        }
        return arrays[i];
    }

    /**
     * @param i part index
     * @return a zero-copy view of the part, valid until the next message
     */
    public DirectBuffer view(int i) {
        Msg m = msg(i);
        UnsafeBuffer v = views[i];
        ByteBuffer b = m.buf();
        if (b.isDirect()) {
            v.wrap(b, 0, m.size());
        } else {
            v.wrap(part(i));
        }
        return v;
    }
}
