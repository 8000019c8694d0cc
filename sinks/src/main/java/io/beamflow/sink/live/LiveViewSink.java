package io.beamflow.sink.live;

import io.beamflow.core.config.ControlConfig;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.result.FrameResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Flink wrapper around {@link LiveViewPublisher}. Runs at parallelism 1 (one PUB socket binds the
 * endpoint); use {@link #attach(DataStream, ControlConfig)}, which also thins the images on the way (only
 * about twice the publish rate of frames keep their pixels). Counts go to Micrometer's global registry.
 *
 * <p>With a live path the live view is two sinks that share one publisher: one takes the live path's samples,
 * the other the record path's results. A task with inputs from both paths would, under aligned checkpoints,
 * hold the live path's records at every checkpoint until the record path's barrier arrived, which is as late as
 * the record path is behind (LiveLatencyBenchmark: live-view p99 2-14 s above capacity). The two sinks are
 * co-located with the live path, so they run in one slot, hence one JVM, also on a session cluster.
 */
public final class LiveViewSink implements Sink<FrameResult> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveViewSink.class);
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final double maxRateHz;
    private final int maxEdge;
    private final boolean livePath;
    private final LiveViewAuthenticator authenticator;
    private final boolean shared;

    /**
     * @param endpoint  PUB endpoint to bind
     * @param maxRateHz largest rate of frame messages
     * @param maxEdge   longest edge of published images
     */
    public LiveViewSink(String endpoint, double maxRateHz, int maxEdge) {
        this(endpoint, maxRateHz, maxEdge, false);
    }

    /**
     * @param endpoint  PUB endpoint to bind
     * @param maxRateHz largest rate of frame messages
     * @param maxEdge   longest edge of published images
     * @param livePath  whether a live path gives the frames shown
     */
    public LiveViewSink(String endpoint, double maxRateHz, int maxEdge, boolean livePath) {
        this(endpoint, maxRateHz, maxEdge, livePath, null);
    }

    /**
     * @param endpoint      PUB endpoint to bind
     * @param maxRateHz     largest rate of frame messages
     * @param maxEdge       longest edge of published images
     * @param livePath      whether a live path gives the frames shown
     * @param authenticator who may subscribe ({@code null}: anyone who can connect)
     */
    public LiveViewSink(String endpoint, double maxRateHz, int maxEdge, boolean livePath,
            LiveViewAuthenticator authenticator) {
        this(endpoint, maxRateHz, maxEdge, livePath, authenticator, false);
    }

    private LiveViewSink(String endpoint, double maxRateHz, int maxEdge, boolean livePath,
            LiveViewAuthenticator authenticator, boolean shared) {
        this.authenticator = authenticator;
        this.shared = shared;
        this.endpoint = endpoint;
        this.maxRateHz = maxRateHz;
        this.maxEdge = maxEdge;
        this.livePath = livePath;
    }

    /**
     * Adds the live view to a job's results, unless {@code control.liveViewEndpoint} is empty.
     *
     * @param results the job's results
     * @param control control settings (endpoint, rate, image size)
     * @return the sink, or {@code null} when the live view is off
     */
    public static DataStreamSink<FrameResult> attach(DataStream<FrameResult> results, ControlConfig control) {
        return attach(results, null, control);
    }

    /**
     * Adds the live view to a job's results, unless {@code control.liveViewEndpoint} is empty. With a live path,
     * its samples ({@link FrameResult#preview}) give the images and the frame shown, and the record path's results
     * (without pixels) the counts and how far the record path is behind.
     *
     * @param results the job's record path
     * @param live    the job's live path, or {@code null}: images come from the record path
     * @param control control settings (endpoint, rate, image size)
     * @return the sink, or {@code null} when the live view is off
     */
    public static DataStreamSink<FrameResult> attach(DataStream<FrameResult> results, DataStream<FrameResult> live,
            ControlConfig control) {
        return attach(results, live, control, null);
    }

    /**
     * As {@link #attach(DataStream, DataStream, ControlConfig)}, with subscribers checked by an authenticator.
     *
     * @param results       the job's record path
     * @param live          the job's live path, or {@code null}: images come from the record path
     * @param control       control settings (endpoint, rate, image size)
     * @param authenticator who may subscribe ({@code null}: anyone who can connect)
     * @return the sink, or {@code null} when the live view is off
     */
    public static DataStreamSink<FrameResult> attach(DataStream<FrameResult> results, DataStream<FrameResult> live,
            ControlConfig control, LiveViewAuthenticator authenticator) {
        if (control.liveViewEndpoint == null || control.liveViewEndpoint.isBlank()) {
            return null;
        }
        long interval = live != null ? Long.MAX_VALUE
                : control.liveViewMaxRateHz <= 0 ? 0 : (long) (0.5e9 / control.liveViewMaxRateHz);
        DataStream<FrameResult> toView = results.map(new LiveViewThinning(interval, System::nanoTime))
                .name("live-view-thinning").uid("live-view-thinning");
        if (live == null) {
            return toView.sinkTo(new LiveViewSink(control.liveViewEndpoint, control.liveViewMaxRateHz,
                    control.liveViewMaxEdge, false, authenticator)).name("live-view").uid("live-view").setParallelism(1);
        }
        // No task takes both paths (see the class comment); the two writers meet in one publisher.
        String group = live.getTransformation().getCoLocationGroupKey();
        if (group == null) {
            group = "beamflow-live-view";
            live.getTransformation().setCoLocationGroupKey(group);
        }
        DataStreamSink<FrameResult> counts = toView.sinkTo(new LiveViewSink(control.liveViewEndpoint,
                control.liveViewMaxRateHz, control.liveViewMaxEdge, true, authenticator, true))
                .name("live-view-record-path").uid("live-view-record-path").setParallelism(1);
        // (where it is chained into the record path's decision, at parallelism 1, one slot holds every task anyway)
        counts.getTransformation().setCoLocationGroupKey(group);
        DataStreamSink<FrameResult> frames = live.sinkTo(new LiveViewSink(control.liveViewEndpoint,
                control.liveViewMaxRateHz, control.liveViewMaxEdge, true, authenticator, true))
                .name("live-view").uid("live-view").setParallelism(1);
        frames.getTransformation().setCoLocationGroupKey(group);
        return frames;
    }

    @Override
    public SinkWriter<FrameResult> createWriter(WriterInitContext context) throws IOException {
        Supplier<LiveViewPublisher> bind = () -> new LiveViewPublisher(endpoint, maxRateHz, maxEdge, livePath,
                authenticator, null);
        if (!shared) {
            return new Writer(endpoint, bind, LiveViewPublisher::close, System::nanoTime, Metrics.globalRegistry);
        }
        String key = context.getJobInfo().getJobId() + " " + endpoint;
        return new Writer(endpoint, () -> SharedPublishers.acquire(key, bind), p -> SharedPublishers.release(key, p),
                System::nanoTime, Metrics.globalRegistry);
    }

    /**
     * Writer that offers each result to the publisher. A live-view endpoint that cannot be bound (port in use,
     * address not on this host) must not stop the job, and with it the files of record: the writer runs without
     * a live view, counts and logs the failure, and tries again every {@link #RETRY_NS} ns.
     */
    static final class Writer implements SinkWriter<FrameResult> {
        static final long RETRY_NS = 10_000_000_000L;
        private final String endpoint;
        private final Supplier<LiveViewPublisher> bind;
        private final Consumer<LiveViewPublisher> release;
        private final LongSupplier clockNs;
        private final Counter bindFailures;
        private LiveViewPublisher publisher;
        private long nextAttemptNs;
        private long failures;

        Writer(String endpoint, Supplier<LiveViewPublisher> bind, LongSupplier clockNs, MeterRegistry registry) {
            this(endpoint, bind, LiveViewPublisher::close, clockNs, registry);
        }

        Writer(String endpoint, Supplier<LiveViewPublisher> bind, Consumer<LiveViewPublisher> release,
                LongSupplier clockNs, MeterRegistry registry) {
            this.endpoint = endpoint;
            this.bind = bind;
            this.release = release;
            this.clockNs = clockNs;
            this.bindFailures = Counter.builder(MetricNames.LIVE_BIND_FAILURES)
                    .description("attempts to bind the live-view endpoint that failed").register(registry);
            attempt();
        }

        private void attempt() {
            try {
                publisher = bind.get();
                if (failures > 0) {
                    LOG.info("live view bound {} after {} failed attempts", endpoint, failures);
                }
            } catch (IllegalStateException e) {
                failures++;
                bindFailures.increment();
                nextAttemptNs = clockNs.getAsLong() + RETRY_NS;
                if (failures == 1 || failures % 30 == 0) {
                    LOG.error("live view off: {}; the files of record are written as usual; trying again every {} s "
                            + "(failed {} times)", e.getMessage(), RETRY_NS / 1_000_000_000L, failures);
                }
            }
        }

        /** @return whether the live view is published */
        boolean publishing() {
            return publisher != null;
        }

        @Override
        public void write(FrameResult element, Context context) {
            if (publisher == null) {
                if (clockNs.getAsLong() - nextAttemptNs < 0) {
                    return;
                }
                attempt();
                if (publisher == null) {
                    return;
                }
            }
            publisher.offer(element);
        }

        @Override
        public void flush(boolean endOfInput) {
            // nothing buffered: PUB messages are sent or dropped immediately
        }

        @Override
        public void close() {
            if (publisher != null) {
                release.accept(publisher);
                publisher = null;
            }
        }
    }
}
