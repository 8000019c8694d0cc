package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status reporter on clocks the test moves: rates, uptime and checkpoint age without waiting. */
class PipelineStatusReporterTest {
    @Test
    void shouldComputeRatesUptimeAndCheckpointAgeFromItsInjectedClocks() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long[] nanos = {5_000_000_000L};
        long[] millis = {1_790_000_000_000L};
        long checkpointCompletedMs = millis[0] - 1_500;
        PipelineStatusReporter reporter = new PipelineStatusReporter(registry, () -> 3, SeriesControl.NONE,
                () -> nanos[0], () -> millis[0]);
        Counter frames = registry.counter(MetricNames.INGEST_FRAMES, "stream", "s0");
        Gauge.builder(PipelineStatusReporter.FLINK_LAST_CHECKPOINT, () -> checkpointCompletedMs).register(registry);

        frames.increment(100);
        Map<String, Object> first = reporter.sample();
        assertEquals(0.0, ingest(first).get("framesPerSec"), "no rate before a second sample");
        frames.increment(50);
        nanos[0] += 2_000_000_000L;
        millis[0] += 2_000;
        Map<String, Object> second = reporter.sample();

        assertEquals(25.0, ingest(second).get("framesPerSec"), "50 frames in 2 s");
        assertEquals(150.0, ingest(second).get("frames"));
        assertEquals(2.0, second.get("uptimeS"));
        assertEquals(millis[0], second.get("timeMs"));
        assertEquals(3.5, second.get("checkpointAgeS"), "checkpoint completed 1.5 s before the first sample");
        assertEquals(3L, second.get("activeRuleVersion"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ingest(Map<String, Object> sample) {
        List<Map<String, Object>> stages = (List<Map<String, Object>>) sample.get("stages");
        return stages.stream().filter(s -> "ingest".equals(s.get("stage"))).findFirst().orElseThrow(
                () -> new AssertionError("no ingest stage in " + sample));
    }
}
