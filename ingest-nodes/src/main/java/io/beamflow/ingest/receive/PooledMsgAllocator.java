package io.beamflow.ingest.receive;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import zmq.Msg;
import zmq.msg.MsgAllocator;

/**
 * Lets JeroMQ decode large message parts straight into recycled direct buffers: the socket read is
 * then the only copy before the journal append (a heap part would cost a zeroed allocation plus the
 * JDK's copy from its temporary direct buffer). Small parts (headers, JSON) stay on the heap.
 * {@link #allocate} runs on the ZeroMQ I/O thread, {@link #release} on the receive agent.
 */
public final class PooledMsgAllocator implements MsgAllocator {
    private final int directThreshold;
    private final long maxPooledBytesPerSize;
    private final ConcurrentHashMap<Integer, Queue<ByteBuffer>> pools = new ConcurrentHashMap<>();
    private final AtomicLong allocatedBuffers = new AtomicLong();

    /**
     * @param directThreshold  parts of at least this many bytes go to direct buffers
     * @param maxPooledBytesPerSize most idle bytes kept in buffers of one part size
     */
    public PooledMsgAllocator(int directThreshold, long maxPooledBytesPerSize) {
        this.directThreshold = directThreshold;
        this.maxPooledBytesPerSize = maxPooledBytesPerSize;
    }

    @Override
    public Msg allocate(int size) {
        if (size < directThreshold) {
            return new Msg(size);
        }
        ByteBuffer b = null;
        Queue<ByteBuffer> pool = pools.get(size);
        if (pool != null) {
            b = pool.poll();
        }
        if (b == null) {
            b = ByteBuffer.allocateDirect(size);
            allocatedBuffers.incrementAndGet();
        }
        b.clear();
        return new Msg(b);
    }

    /** @return direct buffers allocated because none of the part's size was idle in the pool */
    public long allocatedBuffers() {
        return allocatedBuffers.get();
    }

    /**
     * Returns a direct buffer obtained from {@link #allocate} once its contents have been consumed.
     *
     * @param buffer a message's buffer; heap buffers are ignored
     */
    public void release(ByteBuffer buffer) {
        if (!buffer.isDirect() || buffer.capacity() < directThreshold) {
            return;
        }
        Queue<ByteBuffer> pool = pools.computeIfAbsent(buffer.capacity(), k -> new ConcurrentLinkedQueue<>());
        if ((long) pool.size() * buffer.capacity() < maxPooledBytesPerSize) {
            pool.offer(buffer);
        }
    }
}
