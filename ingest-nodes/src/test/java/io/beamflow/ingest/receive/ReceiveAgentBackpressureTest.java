package io.beamflow.ingest.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.accounting.RejectLog;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.protocol.IngestRecordWriter;
import io.beamflow.ingest.protocol.NativeProtocolAdapter;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Drives a receive agent by hand with an injected clock and free-space figure. */
class ReceiveAgentBackpressureTest {
    @TempDir
    Path tmp;

    /** Free bytes the agent's space guard sees (starts full). */
    private final AtomicLong usable = new AtomicLong(0);
    /** The guard's and reject log's clock. */
    private final AtomicLong nanos = new AtomicLong();

    /** A receive HWM of {@code hwm} messages and a 64 KiB kernel receive buffer, so pushback comes early. */
    private static IngestConfig smallBuffers(int hwm) {
        IngestConfig cfg = new IngestConfig();
        cfg.receiveHighWaterMark = hwm;
        cfg.receiveBufferBytes = 64 * 1024;
        return cfg;
    }

    private StreamAccounting accounting(String stream, String endpoint) {
        return new StreamAccounting(stream, endpoint, new SimpleMeterRegistry(), new RejectLog(nanos::get, 1));
    }

    private void assertJournaledInOrder(String stream, int sent) {
        List<JournalRecords.Rec> recs = JournalRecords.readAll(tmp.resolve(stream));
        assertEquals(sent, recs.size());
        for (int i = 0; i < sent; i++) {
            assertEquals(i, recs.get(i).frameNumber());
        }
    }

    /** The endpoint the last {@link #agent} socket bound (a port the system chose). */
    private String boundEndpoint;

    /** An agent on a new socket of {@code ctx}, journaling into {@code tmp/stream}, with this test's guard. */
    private ReceiveAgent agent(String stream, ZContext ctx, String endpoint, IngestConfig cfg, StreamAccounting acct,
            PooledMsgAllocator allocator) {
        ZMQ.Socket socket = ReceiveSockets.open(ctx, endpoint, cfg, 8 << 20, allocator);
        boundEndpoint = socket.getLastEndpoint();
        FrameJournal journal = FrameJournal.open(new JournalConfig(tmp.resolve(stream), "FIVE_MINUTELY", 16L << 20));
        return new ReceiveAgent(stream, socket, new NativeProtocolAdapter(
                new IngestRecordWriter(journal, acct, new SystemEpochNanoClock()), WireLimits.DEFAULT), journal,
                new JournalSpaceGuard(usable::get, 1000, nanos::get, 100), acct, 4, allocator);
    }

    @Test
    void shouldStopReadingWhenJournalVolumeIsFullPushBackOnSenderAndResumeWithoutLoss() {
        int w = 512;
        int h = 512;
        String endpoint = "tcp://127.0.0.1:*";
        IngestConfig cfg = smallBuffers(2);
        StreamAccounting acct = accounting("bp", endpoint);
        try (ZContext ctx = new ZContext(1)) {
            ReceiveAgent agent = agent("bp", ctx, endpoint, cfg, acct, null);
            int sent = 0;
            try (NativeFrameSender s = new NativeFrameSender(boundEndpoint, org.zeromq.SocketType.PUSH, false, 2, 64 * 1024)) {
                s.socket().setSendTimeOut(300);
                byte[] payload = new byte[w * h * 2];
                // The volume is full: the agent takes nothing from the socket, so the sender blocks.
                while (sent < 500) {
                    assertEquals(0, agent.doWork());
                    byte[] hdr = NativeFrameSender.header(MessageType.FRAME, "bp", sent, 0, 1, w, h, PixelType.UINT16,
                            payload.length);
                    if (!s.socket().send(hdr, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                        if (!s.socket().send(hdr, ZMQ.SNDMORE)) {
                            break;
                        }
                    }
                    s.socket().send(payload, 0);
                    sent++;
                }
                assertTrue(sent < 500, "sender was pushed back after " + sent + " frames");
                assertEquals(0, acct.summary().framesJournaled());
                assertEquals(1, acct.summary().backpressureEvents());
                assertTrue(acct.summary().backpressured());
                // Space returns: after the next sample the agent drains everything that was sent.
                usable.set(1 << 30);
                nanos.addAndGet(1000);
                final int expected = sent;
                Await.until(() -> acct.summary().toString(), () -> {
                    agent.doWork();
                    return acct.summary().framesJournaled() == expected;
                });
                assertFalse(acct.summary().backpressured());
                assertEquals(1, acct.summary().backpressureEvents());
            } finally {
                agent.onClose();
            }
            assertJournaledInOrder("bp", sent);
        }
    }

    @Test
    void shouldHoldReceivedFramesWithinTheReceiveMemoryWhileTheJournalIsBehindAndLoseNone() {
        int w = 512;
        int h = 512;
        long budget = 4L << 20;
        String endpoint = "tcp://127.0.0.1:*";
        IngestConfig cfg = smallBuffers(1000);
        StreamAccounting acct = accounting("mem", endpoint);
        PooledMsgAllocator allocator = new PooledMsgAllocator(64 * 1024, budget, TimeUnit.SECONDS.toNanos(30),
                System::nanoTime);
        try (ZContext ctx = new ZContext(1)) {
            ReceiveAgent agent = agent("mem", ctx, endpoint, cfg, acct, allocator);
            int sent = 0;
            try (NativeFrameSender s = new NativeFrameSender(boundEndpoint, org.zeromq.SocketType.PUSH, false, 2, 64 * 1024)) {
                s.socket().setSendTimeOut(1000);
                byte[] payload = new byte[w * h * 2];
                // The journal takes nothing; a receive high-water mark of 1000 frames would let the node buffer
                // them all in memory; the receive memory (8 frames) stops it reading the socket instead.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (sent < 200 && System.nanoTime() < deadline) {
                    assertEquals(0, agent.doWork());
                    byte[] hdr = NativeFrameSender.header(MessageType.FRAME, "mem", sent, 0, 1, w, h, PixelType.UINT16,
                            payload.length);
                    if (!s.socket().send(hdr, ZMQ.SNDMORE)) {
                        if (allocator.waits() > 0) {
                            break;
                        }
                        continue; // not connected yet
                    }
                    s.socket().send(payload, 0);
                    sent++;
                    assertTrue(allocator.ownedBytes() <= budget, "receive memory " + allocator.ownedBytes());
                }
                assertTrue(sent < 200, "sender was pushed back after " + sent + " frames");
                assertTrue(allocator.waits() >= 1, "the node stopped reading for want of receive memory (" + sent + " sent)");
                assertTrue(allocator.allocatedBuffers() <= budget / payload.length, allocator.allocatedBuffers()
                        + " buffers");
                usable.set(1 << 30);
                nanos.addAndGet(1000);
                final int expected = sent;
                Await.until(() -> acct.summary().toString(), () -> {
                    agent.doWork();
                    return acct.summary().framesJournaled() == expected;
                });
                assertEquals(0, allocator.overBudgetBuffers());
            } finally {
                agent.onClose();
                allocator.close();
            }
            assertJournaledInOrder("mem", sent);
        }
    }
}
