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
import io.beamflow.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        ControlConfig control = new ControlConfig();
        control.liveViewEndpoint = "tcp://127.0.0.1:*"; // the subscriber finds the port the job's publisher bound
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
            List<LiveViewMessage> messages = new ArrayList<>(List.of(first));
            Await.until(() -> "9 live-view messages (got " + messages.size() + ")", () -> {
                got.drainTo(messages);
                return messages.size() >= 9;
            });
            // Never faster than the limit of 4/s, however fast or slow the machine: consecutive messages were
            // published at least 250 ms apart (their publish time has ms resolution; 5 ms slack).
            for (int i = 1; i < messages.size(); i++) {
                long gapMs = (messages.get(i).header().publishTimeNs - messages.get(i - 1).header().publishTimeNs)
                        / 1_000_000;
                assertTrue(gapMs >= 245, "messages " + (i - 1) + " and " + i + " published " + gapMs
                        + " ms apart, faster than 4/s");
            }
            LiveViewMessage last = messages.get(messages.size() - 1);
            assertEquals(300, last.width());
            assertEquals(50, last.height());
            assertEquals(2, last.header().binning);
            assertEquals(200f, max(last.image()));
            assertTrue(last.header().window.frames > 1, "window counts every frame, not only published ones");
            String scrape = Await.value("Flink's numRecordsIn in the Prometheus scrape", registry::scrape,
                    text -> text.contains("numRecordsIn"));
            assertTrue(scrape.contains("flink_taskmanager_job_task_") && scrape.contains("numRecordsIn"),
                    "Flink metrics missing from the scrape");
            assertTrue(scrape.contains("beamflow_live_published_total"), "live-view counter missing");
            PipelineStatusReporter status = new PipelineStatusReporter(registry, () -> 0, SeriesControl.NONE);
            // rates are taken between two samples: poll until one shows the live-view stage's records flowing
            java.util.Map<String, Object> sample = Await.value("a status sample with the live-view stage above "
                    + "10 frames/s and a checkpoint age", status::sample,
                    FlinkLiveViewAndMetricsITCase::liveViewStageFlowing);
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

    /** Holds the record path's task after its first record until the test ends. */
    private static final java.util.concurrent.CountDownLatch RECORD_PATH_RELEASED =
            new java.util.concurrent.CountDownLatch(1);

    static FrameResult stallAfterFirst(long n) throws InterruptedException {
        if (n > 0) {
            RECORD_PATH_RELEASED.await();
        }
        FrameResult r = frame(n);
        r.pixels = null;
        return r;
    }

    static FrameResult liveSample(long n) throws InterruptedException {
        FrameResult r = frame(n);
        r.preview = true;
        return r;
    }

    @Test
    void shouldKeepPublishingTheLivePathWhileTheRecordPathIsStalledAcrossCheckpoints() throws Exception {
        ControlConfig control = new ControlConfig();
        control.liveViewEndpoint = "tcp://127.0.0.1:*";
        control.liveViewMaxRateHz = 0; // every live sample
        control.liveViewMaxEdge = 300;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(1);
        env.enableCheckpointing(100); // aligned: a task taking both paths would wait for the stalled one's barrier
        DataStream<FrameResult> record = env.fromSequence(0, 100_000)
                .map(FlinkLiveViewAndMetricsITCase::stallAfterFirst).returns(FrameResult.class)
                .name("stalled-record-path");
        DataStream<FrameResult> live = env.fromSequence(0, 100_000).map(FlinkLiveViewAndMetricsITCase::liveSample)
                .returns(FrameResult.class).name("live-path");
        assertNotNull(LiveViewSink.attach(record, live, control));
        java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
        JobClient job = env.executeAsync("live-view-stalled-record-path-itcase");
        try (LiveViewSubscriber sub = new LiveViewSubscriber(control.liveViewEndpoint, m -> {
            if ("frame".equals(m.header().type)) {
                frames.incrementAndGet();
            }
        })) {
            // about 2 s of samples at 100 Hz, across about 20 checkpoint triggers that cannot complete
            Await.until(Duration.ofSeconds(90), () -> "200 live frames while the record path is stalled (got "
                    + frames.get() + ")", () -> frames.get() >= 200);
            assertEquals(0, sub.undecodable());
        } finally {
            RECORD_PATH_RELEASED.countDown();
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean liveViewStageFlowing(java.util.Map<String, Object> sample) {
        java.util.List<java.util.Map<String, Object>> stages =
                (java.util.List<java.util.Map<String, Object>>) sample.get("stages");
        return sample.get("checkpointAgeS") != null && stages.stream().anyMatch(st -> String.valueOf(st.get("stage"))
                .contains("live-view") && ((Double) st.getOrDefault("framesPerSec", 0.0)) > 10);
    }

    static float max(float[] a) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
