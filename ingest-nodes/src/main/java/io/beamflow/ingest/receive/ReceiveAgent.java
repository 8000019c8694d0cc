package io.beamflow.ingest.receive;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.protocol.ProtocolAdapter;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * Receives one ZeroMQ endpoint: each duty cycle takes at most a bounded number of messages from the
 * socket and hands them to the protocol adapter, which journals or rejects them. When the journal
 * volume is full it stops reading (backpressure) until space returns. Owns its socket and journal;
 * journal cycles are released here too, on request from any thread, once a checkpoint covers them.
 */
public final class ReceiveAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiveAgent.class);
    /** Longest time {@link #onClose()} spends journaling messages already queued in the socket. */
    public static final long DRAIN_TIMEOUT_NS = 5_000_000_000L;

    private final String streamId;
    private final ZMQ.Socket socket;
    private final ProtocolAdapter adapter;
    private final FrameJournal journal;
    private final JournalSpaceGuard spaceGuard;
    private final StreamAccounting accounting;
    private final int maxMessagesPerCycle;
    private final MessageParts parts;
    private final AtomicLong releaseBelowIndex = new AtomicLong(-1);
    private DisconnectMonitor disconnectMonitor;
    private ZMQ.Poller idlePoller;
    private boolean readingPaused;
    private long lastDisconnectLogNs = Long.MIN_VALUE;
    private long releasedBelowIndex = -1;

    /**
     * @param streamId            stream id
     * @param socket              bound or connected receive socket; owned from now on
     * @param adapter             protocol adapter writing to {@code journal}
     * @param journal             the stream's journal; owned from now on
     * @param spaceGuard          journal volume free-space check
     * @param accounting          the stream's counters
     * @param maxMessagesPerCycle bound on messages handled per {@link #doWork()}
     * @param allocator           the socket's message allocator (its direct buffers are recycled), or {@code null}
     */
    public ReceiveAgent(String streamId, ZMQ.Socket socket, ProtocolAdapter adapter, FrameJournal journal,
            JournalSpaceGuard spaceGuard, StreamAccounting accounting, int maxMessagesPerCycle,
            PooledMsgAllocator allocator) {
        this.parts = new MessageParts(allocator);
        this.streamId = streamId;
        this.socket = socket;
        this.adapter = adapter;
        this.journal = journal;
        this.spaceGuard = spaceGuard;
        this.accounting = accounting;
        this.maxMessagesPerCycle = maxMessagesPerCycle;
    }

    /**
     * Counts dropped peer connections of the socket (call before the agent starts).
     *
     * @param monitor the socket's monitor; owned (closed) by this agent from now on
     */
    public void disconnectMonitor(DisconnectMonitor monitor) {
        this.disconnectMonitor = monitor;
    }

    /**
     * An idle strategy that waits on this agent's socket (see {@link SocketWaitIdleStrategy}); call
     * before the agent starts.
     *
     * @param poller    a new poller of the socket's context; owned (closed) by this agent from now on
     * @param maxWaitMs longest wait between duty cycles
     * @return the idle strategy to run this agent with
     */
    public SocketWaitIdleStrategy socketWaitIdleStrategy(ZMQ.Poller poller, long maxWaitMs) {
        poller.register(socket, ZMQ.Poller.POLLIN);
        this.idlePoller = poller;
        return new SocketWaitIdleStrategy(poller, () -> readingPaused, maxWaitMs);
    }

    @Override
    public int doWork() {
        int work = releaseJournalCycles() + pollDisconnects();
        if (spaceGuard.full()) {
            readingPaused = true;
            accounting.backpressure(true);
            return work;
        }
        readingPaused = false;
        accounting.backpressure(false);
        for (int i = 0; i < maxMessagesPerCycle; i++) {
            if (!parts.receive(socket)) {
                break;
            }
            handle();
            work++;
        }
        return work;
    }

    /**
     * Hands the message to the adapter; a failure is counted and logged, never silent, and never stops the
     * agent. A message cut off by the socket's {@link MessageBound} is rejected here, and the pieces of its
     * rest are dropped (they are not messages of their own).
     */
    private void handle() {
        if (parts.discardedRest()) {
            parts.clear();
            return;
        }
        accounting.messageReceived();
        if (parts.cut()) {
            accounting.rejected(RejectReason.MESSAGE_TOO_LARGE, null, -1, "a multipart message exceeded the limit of "
                    + MessageParts.MAX_PARTS + " parts or its byte limit while arriving; it was cut off after "
                    + parts.count() + " parts and the rest is discarded");
            parts.clear();
            return;
        }
        try {
            adapter.onMessage(parts);
        } catch (RuntimeException e) {
            LOG.error("stream {}: failed to handle a message", streamId, e);
            accounting.rejected(RejectReason.INTERNAL_ERROR, null, -1, e.toString());
        } finally {
            parts.clear();
        }
    }

    private int pollDisconnects() {
        if (disconnectMonitor == null) {
            return 0;
        }
        int n = disconnectMonitor.poll();
        if (n > 0) {
            accounting.peerDisconnected(n);
            long now = System.nanoTime();
            if (lastDisconnectLogNs == Long.MIN_VALUE || now - lastDisconnectLogNs > 1_000_000_000L) {
                lastDisconnectLogNs = now;
                LOG.info("stream {}: {} peer connection(s) dropped ({} in all); a sender closing, or a message "
                        + "part larger than the node's limit", streamId, n, accounting.summary().disconnects());
            }
        }
        return n;
    }

    private int releaseJournalCycles() {
        long below = releaseBelowIndex.get();
        if (below <= releasedBelowIndex) {
            return 0;
        }
        releasedBelowIndex = below;
        int deleted = journal.deleteCyclesBelow(below);
        if (deleted > 0) {
            LOG.info("stream {}: deleted {} journal cycle file(s) below index {}", streamId, deleted,
                    Long.toHexString(below));
        }
        return deleted;
    }

    /**
     * Asks the agent to delete journal cycles holding only records below {@code index} (thread-safe;
     * done on the agent's next duty cycle). Call only once a completed checkpoint covers them.
     *
     * @param index lowest journal index that must be kept
     */
    public void releaseJournalBelow(long index) {
        releaseBelowIndex.accumulateAndGet(index, Math::max);
    }

    /** @return the highest index below which a release was asked (-1: none yet) */
    public long journalReleaseRequestedBelow() {
        return releaseBelowIndex.get();
    }

    /** @return the stream's journal */
    public FrameJournal journal() {
        return journal;
    }

    /**
     * Journals what is already queued in the socket (bounded by {@link #DRAIN_TIMEOUT_NS}) so that a
     * graceful stop does not discard frames the node had received; then closes socket and journal.
     */
    @Override
    public void onClose() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NS;
        int drained = 0;
        try {
            while (System.nanoTime() - deadline < 0 && !spaceGuard.full() && parts.receive(socket)) {
                handle();
                drained++;
            }
        } catch (RuntimeException e) {
            LOG.warn("stream {}: draining the socket at close failed", streamId, e);
        }
        if (drained > 0) {
            LOG.info("stream {}: journaled {} queued message(s) while stopping", streamId, drained);
        }
        if (disconnectMonitor != null) {
            disconnectMonitor.close();
        }
        if (idlePoller != null) {
            idlePoller.close();
        }
        socket.close();
        journal.close();
    }

    @Override
    public String roleName() {
        return "receive-" + streamId;
    }
}
