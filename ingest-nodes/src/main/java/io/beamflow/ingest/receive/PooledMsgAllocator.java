package io.beamflow.ingest.receive;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import zmq.Msg;
import zmq.msg.MsgAllocator;

/**
 * Lets JeroMQ decode large message parts straight into recycled direct buffers: the socket read is
 * then the only copy before the journal append (a heap part would cost a zeroed allocation plus the
 * JDK's copy from its temporary direct buffer). Small parts (headers, JSON) stay on the heap.
 *
 * <p>The direct buffers of one stream, idle or holding parts not yet journaled, stay within a byte
 * budget. When it is used up, {@link #allocate} (the ZeroMQ I/O thread) waits for the receive agent
 * to {@link #release} a buffer, so the socket is not read further and TCP pushes back on the sender,
 * instead of the node buffering up to the receive high-water mark in fresh memory. The wait is
 * bounded ({@code maxWaitNs}); after it the part is allocated over the budget and counted, so a
 * message whose parts alone exceed the budget, or a stalled agent, cannot hang the I/O thread.
 * Buffers are reused last-released first, while their memory is still in the CPU caches.
 */
public final class PooledMsgAllocator implements MsgAllocator, AutoCloseable {
    private final int directThreshold;
    private final long budgetBytes;
    private final long maxWaitNs;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Map<Integer, ArrayDeque<ByteBuffer>> idle = new HashMap<>();
    /** Bytes of all direct buffers this pool handed out and not dropped: idle ones and ones in use. */
    private long ownedBytes;
    private long idleBytes;
    private boolean closed;
    private final AtomicLong allocatedBuffers = new AtomicLong();
    private volatile long overBudgetBuffers;
    private volatile long waits;
    private volatile long waitNs;
    private volatile MessageBound bound;

    /**
     * @param directThreshold parts of at least this many bytes go to direct buffers
     * @param budgetBytes     most bytes in this pool's direct buffers, idle or in use
     * @param maxWaitNs       longest wait for a released buffer before allocating over the budget
     * @param nanoClock       monotonic clock for the waits
     */
    public PooledMsgAllocator(int directThreshold, long budgetBytes, long maxWaitNs, LongSupplier nanoClock) {
        if (budgetBytes <= 0 || maxWaitNs < 0) {
            throw new IllegalArgumentException("receive buffer budget must be > 0 and wait >= 0: " + budgetBytes
                    + " bytes, " + maxWaitNs + " ns");
        }
        this.directThreshold = directThreshold;
        this.budgetBytes = budgetBytes;
        this.maxWaitNs = maxWaitNs;
        this.nanoClock = nanoClock;
    }

    /**
     * A pool that never waits (tests, tools).
     *
     * @param directThreshold parts of at least this many bytes go to direct buffers
     * @param budgetBytes     most bytes in this pool's direct buffers, idle or in use
     */
    public PooledMsgAllocator(int directThreshold, long budgetBytes) {
        this(directThreshold, budgetBytes, 0, System::nanoTime);
    }

    /**
     * Bounds the parts and bytes per message of the socket this allocator serves (see
     * {@link MessageBound}); call before the socket connects or binds.
     *
     * @param bound the bound, or {@code null} for none
     */
    public void bound(MessageBound bound) {
        this.bound = bound;
    }

    @Override
    public Msg allocate(int size) {
        MessageBound b = bound;
        if (size < directThreshold) {
            return b == null ? new Msg(size) : new BoundedMsg(size, b);
        }
        ByteBuffer reused = null;
        long waitedFrom = 0;
        lock.lock();
        try {
            while (true) {
                ArrayDeque<ByteBuffer> sameSize = idle.get(size);
                if (sameSize != null && !sameSize.isEmpty()) {
                    reused = sameSize.pollLast();
                    idleBytes -= size;
                    break;
                }
                if (ownedBytes + size > budgetBytes) {
                    dropIdle(ownedBytes + size - budgetBytes);
                }
                if (ownedBytes + size <= budgetBytes || ownedBytes == 0 || closed) {
                    ownedBytes += size;
                    break;
                }
                long now = nanoClock.getAsLong();
                if (waitedFrom == 0) {
                    waitedFrom = now;
                    waits++;
                }
                long left = waitedFrom + maxWaitNs - now;
                if (left <= 0) {
                    overBudgetBuffers++;
                    ownedBytes += size;
                    break;
                }
                released.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ownedBytes += size;
        } finally {
            if (waitedFrom != 0) {
                waitNs += nanoClock.getAsLong() - waitedFrom;
            }
            lock.unlock();
        }
        if (reused == null) {
            // outside the lock: allocateDirect zeroes the memory, the agent should not wait for that
            reused = ByteBuffer.allocateDirect(size);
            allocatedBuffers.incrementAndGet();
        }
        reused.clear();
        return b == null ? new Msg(reused) : new BoundedMsg(reused, b);
    }

    /** Drops idle buffers (of any size) until {@code bytes} are freed or none is idle; caller holds the lock. */
    private void dropIdle(long bytes) {
        Iterator<ArrayDeque<ByteBuffer>> it = idle.values().iterator();
        while (bytes > 0 && it.hasNext()) {
            ArrayDeque<ByteBuffer> q = it.next();
            while (bytes > 0 && !q.isEmpty()) {
                int capacity = q.pollFirst().capacity();
                idleBytes -= capacity;
                ownedBytes -= capacity;
                bytes -= capacity;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
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
        lock.lock();
        try {
            if (closed || ownedBytes > budgetBytes) {
                ownedBytes -= buffer.capacity();
            } else {
                idle.computeIfAbsent(buffer.capacity(), k -> new ArrayDeque<>()).addLast(buffer);
                idleBytes += buffer.capacity();
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #allocate} and stops pooling: from now on allocations never wait. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            idle.clear();
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return direct buffers allocated because none of the part's size was idle */
    public long allocatedBuffers() {
        return allocatedBuffers.get();
    }

    /** @return buffers allocated over the budget after waiting {@code maxWaitNs} for a release */
    public long overBudgetBuffers() {
        return overBudgetBuffers;
    }

    /** @return allocations that found the budget used up and waited for a release */
    public long waits() {
        return waits;
    }

    /** @return total time allocations waited for a release, in nanoseconds */
    public long waitNs() {
        return waitNs;
    }

    /** @return bytes in this pool's direct buffers, idle or in use */
    public long ownedBytes() {
        lock.lock();
        try {
            return ownedBytes;
        } finally {
            lock.unlock();
        }
    }
}
