package io.beamflow.ingest;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.accounting.RejectLog;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.protocol.IngestRecordWriter;
import io.beamflow.ingest.protocol.ProtocolAdapters;
import io.beamflow.ingest.receive.DisconnectMonitor;
import io.beamflow.ingest.receive.JournalRecovery;
import io.beamflow.ingest.receive.JournalSpaceGuard;
import io.beamflow.ingest.receive.MessageBound;
import io.beamflow.ingest.receive.MessageParts;
import io.beamflow.ingest.receive.PooledMsgAllocator;
import io.beamflow.ingest.receive.ReceiveAgent;
import io.beamflow.ingest.receive.ReceiveSockets;
import io.beamflow.ingest.server.JournalServerAgent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.beamflow.ingest.retention.CheckpointReleaseAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * An ingest node: one {@link ReceiveAgent} (own thread) per configured endpoint, each journaling
 * into {@code <journalDirectory>/<streamId>/}. Start with {@link #start}, stop with {@link #close()}.
 *
 * <pre>{@code
 * try (IngestNode node = IngestNode.start(config.ingest, registry)) {
 *     ... node.summaries() ...
 * }
 * }</pre>
 */
public final class IngestNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestNode.class);
    /** Messages a receive agent handles per duty cycle before it checks the journal volume again. */
    public static final int MESSAGES_PER_DUTY_CYCLE = 16;
    /** Message parts of at least this size are received into pooled direct buffers. */
    static final int DIRECT_PART_THRESHOLD = 64 * 1024;
    /** Longest time an idle receive agent waits on its socket before its other duties run again. */
    static final long RECEIVE_MAX_WAIT_MS = 10;
    private static final long SPACE_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long REJECT_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final IngestConfig config;
    private final MeterRegistry registry;
    private final ZContext context;
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final List<Meter> nodeMeters = new ArrayList<>();
    /** Each stream's context and allocator, recorded as soon as created so that close() releases them. */
    private final List<ZContext> streamContexts = new ArrayList<>();
    private final List<PooledMsgAllocator> allocators = new ArrayList<>();
    private boolean closed;
    private volatile String journalServerEndpoint;

    /** One endpoint's agent and accounting. */
    private record Stream(String endpoint, ReceiveAgent agent, StreamAccounting accounting,
            JournalSpaceGuard guard, Path directory, ZContext context) {
    }

    private IngestNode(IngestConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.context = new ZContext(1);
    }

    /**
     * Opens the journals, binds (or connects) every endpoint and starts one receive thread each.
     *
     * @param config   ingest settings
     * @param registry where the node's meters are registered
     * @return the running node
     * @throws IllegalArgumentException when the configuration is invalid or an endpoint cannot be bound
     */
    public static IngestNode start(IngestConfig config, MeterRegistry registry) {
        IngestNode node = new IngestNode(config, registry);
        try {
            node.open();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void open() {
        WireLimits limits = new WireLimits(config.maxHeaderBytes, config.maxFrameBytes);
        if (config.endpoints == null || config.endpoints.isEmpty()) {
            throw new IllegalArgumentException("ingest.endpoints is empty");
        }
        if (config.receiveMemoryBytes <= 0 || config.receiveMemoryWaitMs < 0) {
            throw new IllegalArgumentException("ingest.receiveMemoryBytes must be > 0 and ingest.receiveMemoryWaitMs"
                    + " >= 0, got " + config.receiveMemoryBytes + " and " + config.receiveMemoryWaitMs);
        }
        Path root = Path.of(config.journalDirectory);
        RejectLog rejectLog = new RejectLog(System::nanoTime, REJECT_LOG_INTERVAL_NS);
        long maxMessageBytes = Math.max(config.maxHeaderBytes, maxEncodedBytes(config.maxFrameBytes));
        for (String configured : config.endpoints) {
            boolean wildcardPort = isWildcardPort(configured);
            if (!wildcardPort) {
                checkNewStream(ReceiveSockets.streamId(configured), configured);
            }
            // A context (I/O thread) per stream: the I/O thread waits when the stream's receive memory is
            // used up, which must not stop the other streams' sockets.
            ZContext streamContext = new ZContext(1);
            PooledMsgAllocator allocator = new PooledMsgAllocator(DIRECT_PART_THRESHOLD, config.receiveMemoryBytes,
                    TimeUnit.MILLISECONDS.toNanos(config.receiveMemoryWaitMs), System::nanoTime);
            streamContexts.add(streamContext);
            allocators.add(allocator);
            MessageBound bound = new MessageBound(MessageParts.MAX_PARTS, MESSAGE_BYTES_IN_PARTS * maxMessageBytes);
            allocator.bound(bound);
            ZMQ.Socket socket = ReceiveSockets.open(streamContext, configured, config, maxMessageBytes, allocator);
            // A wildcard port ("tcp://127.0.0.1:*") is named after the port it bound, so that a node restarted
            // on that port continues the same journal.
            String endpoint = wildcardPort ? prefix(configured) + socket.getLastEndpoint() : configured;
            String streamId = ReceiveSockets.streamId(endpoint);
            if (wildcardPort) {
                checkNewStream(streamId, endpoint);
            }
            Path dir = root.resolve(streamId);
            FrameJournal journal = FrameJournal.open(new JournalConfig(dir, config.journalRollCycle,
                    config.journalBlockSizeBytes));
            StreamAccounting accounting = new StreamAccounting(streamId, endpoint, registry, rejectLog);
            long restored = JournalRecovery.restore(journal, accounting);
            if (restored > 0) {
                LOG.info("ingest stream {}: continuing journal with {} record(s), last index {}", streamId, restored,
                        journal.lastIndex());
            }
            IngestRecordWriter writer = new IngestRecordWriter(journal, accounting, new SystemEpochNanoClock());
            FileStore store = fileStore(dir);
            JournalSpaceGuard guard = new JournalSpaceGuard(() -> usableSpace(store), config.journalMinFreeBytes,
                    System::nanoTime, SPACE_CHECK_INTERVAL_NS);
            ReceiveAgent agent = new ReceiveAgent(streamId, socket,
                    ProtocolAdapters.create(config.protocol, writer, limits), journal, guard, accounting,
                    MESSAGES_PER_DUTY_CYCLE, allocator);
            registerAllocatorMeters(allocator, streamId);
            nodeMeters.add(FunctionCounter.builder(MetricNames.INGEST_DISCARDED_PARTS, bound,
                    MessageBound::discardedParts).tag("stream", streamId).register(registry));
            nodeMeters.add(Gauge.builder(MetricNames.JOURNAL_BYTES, journal, FrameJournal::diskUsageBytes)
                    .tag("stream", streamId).baseUnit("bytes").register(registry));
            agent.disconnectMonitor(new DisconnectMonitor(streamContext, socket, streamId));
            streams.put(streamId, new Stream(endpoint, agent, accounting, guard, dir, streamContext));
            LOG.info("ingest stream {}: {} {} on {} -> journal {}", streamId, config.protocol, config.socketMode,
                    endpoint, dir.toAbsolutePath());
        }
        if (config.journalServerEndpoint != null && !config.journalServerEndpoint.isBlank()) {
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            try {
                router.bind(ReceiveSockets.address(config.journalServerEndpoint));
            } catch (RuntimeException e) {
                router.close();
                throw new IllegalArgumentException("cannot bind journal server " + config.journalServerEndpoint
                        + ": " + e.getMessage(), e);
            }
            Map<String, JournalConfig> journals = new LinkedHashMap<>();
            streams.forEach((id, s) -> journals.put(id, new JournalConfig(s.directory(), config.journalRollCycle,
                    config.journalBlockSizeBytes)));
            journalServerEndpoint = router.getLastEndpoint();
            JournalServerAgent server = new JournalServerAgent(router, journals, this::releaseJournalBelow);
            AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000),
                    t -> LOG.error("journal server error", t), null, server);
            runners.add(runner);
            AgentRunner.startOnThread(runner);
            LOG.info("journal server on {}", config.journalServerEndpoint);
        }
        for (Stream s : streams.values()) {
            AgentRunner runner = new AgentRunner(
                    s.agent().socketWaitIdleStrategy(s.context().createPoller(1), RECEIVE_MAX_WAIT_MS),
                    t -> LOG.error("ingest agent error", t), null, s.agent());
            runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
        CheckpointReleaseAgent retention = new CheckpointReleaseAgent(config.journalDirectory,
                List.copyOf(streams.keySet()), this::releaseJournalBelow, SystemEpochClock.INSTANCE,
                CHECKPOINT_RELEASE_POLL_MS);
        AgentRunner retentionRunner = new AgentRunner(new SleepingMillisIdleStrategy(100),
                t -> LOG.error("journal retention error", t), null, retention);
        runners.add(retentionRunner);
        AgentRunner.startOnThread(retentionRunner);
    }

    private void checkNewStream(String streamId, String endpoint) {
        if (streams.containsKey(streamId)) {
            throw new IllegalArgumentException("two endpoints map to stream " + streamId + ": " + endpoint);
        }
    }

    /** @return whether the endpoint binds a port the system chooses ({@code tcp://host:*}) */
    static boolean isWildcardPort(String endpoint) {
        return ReceiveSockets.address(endpoint).endsWith(":*");
    }

    private static String prefix(String endpoint) {
        return endpoint.startsWith("@") || endpoint.startsWith(">") ? endpoint.substring(0, 1) : "";
    }

    private void registerAllocatorMeters(PooledMsgAllocator allocator, String streamId) {
        nodeMeters.add(FunctionCounter.builder(MetricNames.INGEST_RECEIVE_BUFFERS_ALLOCATED, allocator,
                PooledMsgAllocator::allocatedBuffers).tag("stream", streamId).register(registry));
        nodeMeters.add(FunctionCounter.builder(MetricNames.INGEST_RECEIVE_MEMORY_WAITS, allocator,
                PooledMsgAllocator::waits).tag("stream", streamId).register(registry));
        nodeMeters.add(FunctionCounter.builder(MetricNames.INGEST_RECEIVE_MEMORY_WAIT, allocator,
                a -> a.waitNs() / 1e9).tag("stream", streamId).baseUnit("seconds").register(registry));
        nodeMeters.add(FunctionCounter.builder(MetricNames.INGEST_RECEIVE_MEMORY_OVER_BUDGET, allocator,
                PooledMsgAllocator::overBudgetBuffers).tag("stream", streamId).register(registry));
    }

    /**
     * Most bytes of one multipart message, in largest parts: a DECTRIS global header with flat-field and
     * pixel mask carries two image-sized parts besides the JSON.
     */
    static final int MESSAGE_BYTES_IN_PARTS = 4;

    /** How often the checkpointed journal indices published by the Flink source are read. */
    static final long CHECKPOINT_RELEASE_POLL_MS = 1_000;

    /** Largest wire part a frame of {@code maxFrameBytes} may need (LZ4 worst case plus headers). */
    static long maxEncodedBytes(long maxFrameBytes) {
        return maxFrameBytes + maxFrameBytes / 255 + 4096;
    }

    private static FileStore fileStore(Path dir) {
        try {
            return Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat journal volume of " + dir, e);
        }
    }

    private static long usableSpace(FileStore store) {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The endpoints the node's receive sockets bound or connected to, in configuration order. An endpoint
     * configured with a wildcard port ({@code tcp://127.0.0.1:*}, the system chooses a free port) is
     * returned with the port it bound, e.g. {@code tcp://127.0.0.1:41234}, which is what a sender connects
     * to; its stream id and journal directory are named after that port too. Other endpoints are returned
     * as configured, with their {@code @}/{@code >} prefix.
     *
     * @return the endpoints, in configuration order
     */
    public List<String> boundEndpoints() {
        List<String> list = new ArrayList<>();
        for (Stream s : streams.values()) {
            list.add(s.endpoint());
        }
        return list;
    }

    /**
     * @return the address the journal server bound (with the port the system chose for a wildcard port such
     *         as {@code tcp://127.0.0.1:*}), or {@code null} when the node runs no journal server
     */
    public String journalServerEndpoint() {
        return journalServerEndpoint;
    }

    /** @return the ids of this node's streams, in endpoint order */
    public List<String> streamIds() {
        return List.copyOf(streams.keySet());
    }

    /**
     * @param streamId a stream id
     * @return the stream's journal directory
     */
    public Path journalDirectory(String streamId) {
        return stream(streamId).directory();
    }

    /** @return per-stream figures, in endpoint order */
    public List<StreamSummary> summaries() {
        List<StreamSummary> list = new ArrayList<>();
        for (Stream s : streams.values()) {
            list.add(s.accounting().summary());
        }
        return list;
    }

    /**
     * @param streamId a stream id
     * @return the stream's figures
     */
    public StreamSummary summary(String streamId) {
        return stream(streamId).accounting().summary();
    }

    /** @return frames journaled over all streams */
    public long framesJournaled() {
        long n = 0;
        for (Stream s : streams.values()) {
            n += s.accounting().framesJournaled();
        }
        return n;
    }

    /** @return a human-readable table of all streams, series and modules */
    public String formatSummary() {
        return IngestSummaryFormat.format(summaries());
    }

    /**
     * Lets the node delete journal cycle files that hold only records below {@code index}; call once a
     * completed checkpoint of every reader of the stream covers them.
     *
     * @param streamId stream id
     * @param index    lowest journal index still needed
     */
    public void releaseJournalBelow(String streamId, long index) {
        stream(streamId).agent().releaseJournalBelow(index);
    }

    /**
     * @param streamId stream id
     * @return the highest index below which the stream's journal was released (by a checkpoint published
     *         next to the journal or through the journal server), -1 when none was
     */
    public long journalReleasedBelow(String streamId) {
        return stream(streamId).agent().journalReleaseRequestedBelow();
    }

    /**
     * Changes the free-space threshold below which the node stops reading (e.g. after an operator
     * moved data off the volume).
     *
     * @param bytes new threshold
     */
    public void journalMinFreeBytes(long bytes) {
        streams.values().forEach(s -> s.guard().minFreeBytes(bytes));
    }

    private Stream stream(String streamId) {
        Stream s = streams.get(streamId);
        if (s == null) {
            throw new IllegalArgumentException("unknown stream " + streamId + " (known: " + streams.keySet() + ")");
        }
        return s;
    }

    /** Stops the receive threads, closes sockets and journals; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AgentRunner r : runners) {
            r.close();
        }
        if (runners.isEmpty()) {
            // Never started: close what open() created.
            streams.values().forEach(s -> s.agent().onClose());
        }
        streams.values().forEach(s -> s.accounting().removeMeters());
        nodeMeters.forEach(registry::remove);
        // wakes an I/O thread waiting for receive memory, so that its context can stop
        allocators.forEach(PooledMsgAllocator::close);
        streamContexts.forEach(ZContext::close);
        context.close();
    }
}
