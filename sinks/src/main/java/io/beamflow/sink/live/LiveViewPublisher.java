package io.beamflow.sink.live;

import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.wire.ZmqContexts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Publishes downsampled frames and reduced data on a ZeroMQ PUB socket for the dashboard and existing
 * beamline GUIs, at most at a configured rate (format: {@link LiveViewCodec}). Slow subscribers lose
 * messages (small send high-water mark), they never slow down the pipeline. Thread-safe.
 */
public final class LiveViewPublisher implements AutoCloseable {
    private static final int SEND_HIGH_WATER_MARK = 4;

    private final ZContext context;
    private final ZMQ.Socket socket;
    private final LiveViewComposer composer;
    private final String endpoint;
    private final String boundEndpoint;
    private final Counter published;
    private final Counter skipped;
    private final Timer latency;
    private final Timer recordLatency;
    private ZapHandler zap;
    private final boolean livePath;
    /** The latest record-path lag of this JVM's live view (a restarted job's publisher takes over the gauges). */
    private static final AtomicReference<LiveViewHeader.RecordPath> RECORD_PATH =
            new AtomicReference<>(new LiveViewHeader.RecordPath());
    private long skippedReported;

    /**
     * Binds the PUB socket.
     *
     * @param endpoint  ZeroMQ endpoint to bind, e.g. {@code tcp://127.0.0.1:9998} ({@code :*} picks a free port)
     * @param maxRateHz largest rate of frame messages; {@code <= 0}: every frame
     * @param maxEdge   longest edge of published images
     * @param registry  where to count messages ({@code null}: Micrometer's global registry)
     */
    public LiveViewPublisher(String endpoint, double maxRateHz, int maxEdge, MeterRegistry registry) {
        this(endpoint, maxRateHz, maxEdge, false, registry);
    }

    /**
     * Binds the PUB socket.
     *
     * @param endpoint  ZeroMQ endpoint to bind, e.g. {@code tcp://127.0.0.1:9998} ({@code :*} picks a free port)
     * @param maxRateHz largest rate of frame messages; {@code <= 0}: every frame
     * @param maxEdge   longest edge of published images
     * @param livePath  whether a live path gives the frames shown ({@link LiveViewComposer})
     * @param registry  where to count messages ({@code null}: Micrometer's global registry)
     */
    public LiveViewPublisher(String endpoint, double maxRateHz, int maxEdge, boolean livePath,
            MeterRegistry registry) {
        this(endpoint, maxRateHz, maxEdge, livePath, null, registry);
    }

    /**
     * Binds the PUB socket; with an authenticator, as a ZeroMQ PLAIN server whose subscribers are checked (ZAP)
     * before they receive anything.
     *
     * @param endpoint      ZeroMQ endpoint to bind, e.g. {@code tcp://127.0.0.1:9998} ({@code :*} picks a free port)
     * @param maxRateHz     largest rate of frame messages; {@code <= 0}: every frame
     * @param maxEdge       longest edge of published images
     * @param livePath      whether a live path gives the frames shown ({@link LiveViewComposer})
     * @param authenticator who may subscribe, or {@code null}: anyone who can connect
     * @param registry      where to count messages ({@code null}: Micrometer's global registry)
     */
    public LiveViewPublisher(String endpoint, double maxRateHz, int maxEdge, boolean livePath,
            LiveViewAuthenticator authenticator, MeterRegistry registry) {
        this.composer = new LiveViewComposer(maxRateHz, maxEdge, livePath);
        this.livePath = livePath;
        MeterRegistry r = registry == null ? Metrics.globalRegistry : registry;
        this.published = Counter.builder(MetricNames.LIVE_PUBLISHED).description("live-view messages published")
                .register(r);
        this.skipped = Counter.builder(MetricNames.LIVE_SKIPPED)
                .description("frames not published on the live view because of its rate limit").register(r);
        this.latency = Timer.builder(MetricNames.PIPELINE_LATENCY).tag("stage", "live-view")
                .description("time from ingest receive to the live-view publisher, every frame")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(r);
        this.recordLatency = Timer.builder(MetricNames.PIPELINE_LATENCY).tag("stage", "record")
                .description("time from ingest receive to the decision on the record path (every frame, files and "
                        + "counts), as the live view sees it: how far the record path is behind")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1)).register(r);
        if (livePath) {
            Gauge.builder(MetricNames.RECORD_BEHIND_FRAMES, RECORD_PATH, p -> p.get().behindFrames)
                    .description("frames of the series on the live view not yet through the record path").register(r);
            Gauge.builder(MetricNames.RECORD_BEHIND_SECONDS, RECORD_PATH, p -> p.get().behindSeconds)
                    .description("age of the record path's newest frame when it was decided, s").register(r);
            Gauge.builder(MetricNames.RECORD_CATCH_UP_SECONDS, RECORD_PATH, p -> p.get().catchUpSeconds)
                    .description("estimated seconds until the record path has caught up; -1: not gaining")
                    .register(r);
        }
        this.endpoint = endpoint;
        this.context = new ZContext(1);
        try {
            this.zap = authenticator == null ? null : new ZapHandler(context, authenticator, r);
            this.socket = context.createSocket(SocketType.PUB);
            if (authenticator != null) {
                socket.setZapDomain("beamflow-live");
                socket.setPlainServer(true);
            }
            socket.setSndHWM(SEND_HIGH_WATER_MARK);
            socket.setLinger(0);
            socket.bind(endpoint);
            this.boundEndpoint = socket.getLastEndpoint();
            LiveViewEndpoints.bound(endpoint, boundEndpoint);
        } catch (RuntimeException e) {
            closeZap();
            context.close();
            throw new IllegalStateException("cannot bind live-view endpoint " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** @return the endpoint actually bound (with the chosen port) */
    public String boundEndpoint() {
        return boundEndpoint;
    }

    /**
     * Counts the result and publishes it unless the rate limit says otherwise.
     *
     * @param result a frame result or series marker
     * @return whether a message was sent
     */
    public synchronized boolean offer(FrameResult result) {
        if (result.kind == FrameResult.Kind.FRAME && result.receiveTimeNs > 0) {
            long nowNs = System.currentTimeMillis() * 1_000_000L;
            (livePath && !result.preview ? recordLatency : latency)
                    .record(Math.max(0, nowNs - result.receiveTimeNs), TimeUnit.NANOSECONDS);
        }
        LiveViewMessage m = composer.offer(result, System.nanoTime());
        long nowSkipped = composer.skipped();
        if (nowSkipped > skippedReported) {
            skipped.increment(nowSkipped - skippedReported);
            skippedReported = nowSkipped;
        }
        if (m == null) {
            return false;
        }
        if (m.header().recordPath != null) {
            RECORD_PATH.set(m.header().recordPath);
        }
        socket.sendMore(LiveViewCodec.encodeHeader(m.header()));
        socket.send(LiveViewCodec.encodeImage(m.image()), ZMQ.DONTWAIT);
        published.increment();
        return true;
    }

    @Override
    public synchronized void close() {
        LiveViewEndpoints.released(endpoint, boundEndpoint);
        closeZap();
        ZmqContexts.close(context); // also when called from a cancelled (interrupted) Flink task
    }

    private void closeZap() {
        if (zap != null) {
            zap.close();
            zap = null;
        }
    }
}
