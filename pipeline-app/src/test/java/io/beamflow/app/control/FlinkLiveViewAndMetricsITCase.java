package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.ControlConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameResult;
import io.beamflow.sink.live.LiveViewMessage;
import io.beamflow.sink.live.LiveViewSink;
import io.beamflow.sink.live.LiveViewSubscriber;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs a Flink job on an embedded MiniCluster whose results go through {@link LiveViewSink}: the
 * live view arrives on a ZeroMQ subscriber, at most at the configured rate, and Flink's own metrics
 * show up in the Prometheus registry through {@link FlinkMicrometerReporter}.
 */
@Timeout(120)
class FlinkLiveViewAndMetricsITCase {

    /** Makes a small FrameResult per sequence number, paced to about 100 Hz. */
    static FrameResult frame(long n) throws InterruptedException {
        Thread.sleep(10);
        FrameResult r = new FrameResult();
        r.seriesId = "flink-live";
        r.frameNumber = n;
        r.width = 600;
        r.height = 100;
        r.pixelType = PixelType.UINT16;
        r.pixels = new byte[600 * 100 * 2];
        r.pixels[2 * (50 * 600 + 300)] = (byte) 200;
        r.receiveTimeNs = System.currentTimeMillis() * 1_000_000L;
        r.features.radialProfile = new float[] {1f, 2f};
        return r;
    }

    @Test
    void shouldPublishJobResultsAtLimitedRateAndExposeFlinkMetrics() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ControlConfig control = new ControlConfig();
        control.liveViewEndpoint = "tcp://127.0.0.1:" + port;
        control.liveViewMaxRateHz = 4;
        control.liveViewMaxEdge = 300;
        BlockingQueue<LiveViewMessage> got = new LinkedBlockingQueue<>();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                FlinkMicrometerReporter.enable(new Configuration()));
        env.setParallelism(2);
        env.enableCheckpointing(500);
        DataStream<FrameResult> results = env.fromSequence(0, 100_000).map(FlinkLiveViewAndMetricsITCase::frame)
                .returns(FrameResult.class).name("make-frames");
        assertNotNull(LiveViewSink.attach(results, control));
        JobClient job = env.executeAsync("live-view-itcase");
        try (LiveViewSubscriber sub = new LiveViewSubscriber(control.liveViewEndpoint, got::add)) {
            LiveViewMessage first = got.poll(60, TimeUnit.SECONDS);
            assertNotNull(first, "no live-view message from the Flink job within 60 s");
            long t0 = System.nanoTime();
            int n = 0;
            LiveViewMessage last = first;
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3)) {
                LiveViewMessage m = got.poll(100, TimeUnit.MILLISECONDS);
                if (m != null) {
                    n++;
                    last = m;
                }
            }
            assertTrue(n >= 6 && n <= 14, "expected about 4 messages/s over 3 s, got " + n);
            assertEquals(300, last.width());
            assertEquals(50, last.height());
            assertEquals(2, last.header().binning);
            assertEquals(200f, max(last.image()));
            assertTrue(last.header().window.frames > 1, "window counts every frame, not only published ones");
            String scrape = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !scrape.contains("numRecordsIn")) {
                Thread.sleep(200);
                scrape = registry.scrape();
            }
            assertTrue(scrape.contains("flink_taskmanager_job_task_") && scrape.contains("numRecordsIn"),
                    "Flink metrics missing from the scrape");
            assertTrue(scrape.contains("beamflow_live_published_total"), "live-view counter missing");
            PipelineStatusReporter status = new PipelineStatusReporter(registry, () -> 0, SeriesControl.NONE);
            status.sample();
            Thread.sleep(1500);
            java.util.Map<String, Object> sample = status.sample();
            assertNotNull(sample.get("checkpointAgeS"), "checkpoint age from Flink's lastCheckpointCompletedTimestamp");
            assertTrue((Double) sample.get("checkpointAgeS") < 30, sample.toString());
            @SuppressWarnings("unchecked")
            java.util.List<java.util.Map<String, Object>> stages =
                    (java.util.List<java.util.Map<String, Object>>) sample.get("stages");
            assertTrue(stages.stream().anyMatch(st -> String.valueOf(st.get("stage")).contains("live-view")
                    && ((Double) st.getOrDefault("framesPerSec", 0.0)) > 10), "Flink stage rates: " + stages);
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "flink-metrics-scrape.txt"), registry.scrape());
            assertEquals(0, sub.undecodable());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            Metrics.removeRegistry(registry);
        }
    }

    static float max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
