package io.beamflow.ingest.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.Await;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import zmq.Msg;

class PooledMsgAllocatorTest {
    private static final int KIB = 1024;

    /** Tags the memory behind a part (Msg hands out duplicates, so the ByteBuffer's identity says nothing). */
    private static Msg tag(Msg m, int tag) {
        m.buf().put(0, (byte) tag);
        return m;
    }

    private static int tagOf(Msg m) {
        return m.buf().get(0);
    }

    @Test
    void shouldKeepSmallPartsOnTheHeapAndLargeOnesDirect() {
        PooledMsgAllocator a = new PooledMsgAllocator(64 * KIB, 1 << 20);
        assertFalse(a.allocate(100).buf().isDirect());
        assertTrue(a.allocate(64 * KIB).buf().isDirect());
        assertEquals(64 * KIB, a.ownedBytes(), "heap parts are not counted against the budget");
    }

    @Test
    void shouldReuseTheLastReleasedBufferFirst() {
        PooledMsgAllocator a = new PooledMsgAllocator(KIB, 1 << 20);
        Msg first = tag(a.allocate(64 * KIB), 1);
        Msg second = tag(a.allocate(64 * KIB), 2);
        a.release(first.buf());
        a.release(second.buf());
        assertEquals(2, tagOf(a.allocate(64 * KIB)), "last released, first reused");
        assertEquals(1, tagOf(a.allocate(64 * KIB)));
        assertEquals(2, a.allocatedBuffers());
    }

    @Test
    void shouldWaitForAReleaseWhenTheBudgetIsUsedUpInsteadOfAllocatingMore() throws Exception {
        PooledMsgAllocator a = new PooledMsgAllocator(KIB, 128 * KIB, TimeUnit.SECONDS.toNanos(30), System::nanoTime);
        Msg one = tag(a.allocate(64 * KIB), 1);
        tag(a.allocate(64 * KIB), 2);
        CompletableFuture<Msg> third = CompletableFuture.supplyAsync(() -> a.allocate(64 * KIB));
        Await.atLeast(1, a::waits, "allocations waiting for a release");
        assertEquals(1, a.waits(), "the third allocation waits");
        assertFalse(third.isDone());
        a.release(one.buf());
        Msg got = third.get(20, TimeUnit.SECONDS);
        assertEquals(1, tagOf(got), "it gets the released buffer");
        assertEquals(2, a.allocatedBuffers());
        assertEquals(128 * KIB, a.ownedBytes());
        assertEquals(0, a.overBudgetBuffers());
        assertTrue(a.waitNs() > 0);
    }

    @Test
    void shouldAllocateOverTheBudgetAfterTheLongestWaitAndShrinkBackOnRelease() {
        long[] now = {0};
        // the clock jumps 30 ms per reading: the 25 ms wait has run out at the second reading
        PooledMsgAllocator a = new PooledMsgAllocator(KIB, 64 * KIB, TimeUnit.MILLISECONDS.toNanos(25),
                () -> now[0] += TimeUnit.MILLISECONDS.toNanos(30));
        Msg one = tag(a.allocate(64 * KIB), 1);
        Msg two = tag(a.allocate(64 * KIB), 2);
        assertEquals(1, a.overBudgetBuffers());
        assertEquals(1, a.waits());
        assertEquals(128 * KIB, a.ownedBytes());
        a.release(one.buf());
        assertEquals(64 * KIB, a.ownedBytes(), "a buffer released while over the budget is dropped");
        a.release(two.buf());
        assertEquals(64 * KIB, a.ownedBytes(), "within the budget it is kept");
        assertEquals(2, tagOf(a.allocate(64 * KIB)));
    }

    @Test
    void shouldLetAPartLargerThanTheWholeBudgetThroughWhenNothingElseIsHeld() {
        PooledMsgAllocator a = new PooledMsgAllocator(KIB, 64 * KIB, TimeUnit.SECONDS.toNanos(30), System::nanoTime);
        assertEquals(256 * KIB, a.allocate(256 * KIB).size());
        assertEquals(0, a.waits());
    }

    @Test
    void shouldDropIdleBuffersOfAnotherSizeToMakeRoomWithinTheBudget() {
        PooledMsgAllocator a = new PooledMsgAllocator(KIB, 128 * KIB, TimeUnit.SECONDS.toNanos(30), System::nanoTime);
        Msg small1 = a.allocate(64 * KIB);
        Msg small2 = a.allocate(64 * KIB);
        a.release(small1.buf());
        a.release(small2.buf());
        Msg large = a.allocate(128 * KIB);
        assertEquals(128 * KIB, large.size());
        assertEquals(0, a.waits(), "idle buffers of another size make room, nobody waits");
        assertEquals(128 * KIB, a.ownedBytes());
    }

    @Test
    void shouldWakeAWaitingAllocationOnCloseAndNotPoolAfterwards() throws Exception {
        PooledMsgAllocator a = new PooledMsgAllocator(KIB, 64 * KIB, TimeUnit.SECONDS.toNanos(60), System::nanoTime);
        Msg held = a.allocate(64 * KIB);
        CompletableFuture<Msg> waiting = CompletableFuture.supplyAsync(() -> a.allocate(64 * KIB));
        Await.atLeast(1, a::waits, "allocations waiting for a release");
        a.close();
        assertEquals(64 * KIB, waiting.get(20, TimeUnit.SECONDS).size());
        a.release(held.buf());
        assertEquals(64 * KIB, a.ownedBytes(), "released after close: dropped, not pooled");
        assertEquals(0, a.overBudgetBuffers());
    }
}
