package io.beamflow.sink.live;

import io.beamflow.core.config.ControlConfig;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Flink wrapper around {@link LiveViewPublisher}. Runs at parallelism 1 (one PUB socket binds the
 * endpoint); use {@link #attach(DataStream, ControlConfig)}, which also thins the images on the way (only
 * about twice the publish rate of frames keep their pixels). Counts go to Micrometer's global registry.
 */
public final class LiveViewSink implements Sink<FrameResult> {
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final double maxRateHz;
    private final int maxEdge;
    private final boolean livePath;

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
        if (control.liveViewEndpoint == null || control.liveViewEndpoint.isBlank()) {
            return null;
        }
        long interval = live != null ? Long.MAX_VALUE
                : control.liveViewMaxRateHz <= 0 ? 0 : (long) (0.5e9 / control.liveViewMaxRateHz);
        DataStream<FrameResult> toView = results.map(new LiveViewThinning(interval, System::nanoTime))
                .name("live-view-thinning").uid("live-view-thinning");
        if (live != null) {
            toView = toView.union(live);
        }
        return toView.sinkTo(new LiveViewSink(control.liveViewEndpoint, control.liveViewMaxRateHz,
                control.liveViewMaxEdge, live != null)).name("live-view").uid("live-view").setParallelism(1);
    }

    @Override
    public SinkWriter<FrameResult> createWriter(WriterInitContext context) throws IOException {
        return new Writer(new LiveViewPublisher(endpoint, maxRateHz, maxEdge, livePath, null));
    }

    /** Writer that offers each result to the publisher. */
    private static final class Writer implements SinkWriter<FrameResult> {
        private final LiveViewPublisher publisher;

        Writer(LiveViewPublisher publisher) {
            this.publisher = publisher;
        }

        @Override
        public void write(FrameResult element, Context context) {
            publisher.offer(element);
        }

        @Override
        public void flush(boolean endOfInput) {
            // nothing buffered: PUB messages are sent or dropped immediately
        }

        @Override
        public void close() {
            publisher.close();
        }
    }
}
