package io.beamflow.app.control;

import io.beamflow.core.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Builds the pipeline status (per-stage rates and backlog, journal fill, checkpoint age, errors) from
 * the Micrometer registry: Beamflow's meters, and the few Flink metrics mirrored by
 * {@link FlinkMicrometerReporter} that describe stages (records in, input queue, back-pressure,
 * last completed checkpoint). Rates are differences between two samples; call {@link #sample()} about
 * once a second.
 */
public final class PipelineStatusReporter {
    /** Flink operator input records (mirrored by {@link FlinkMicrometerReporter}); stage = Flink task. */
    static final String FLINK_RECORDS_IN = "flink.taskmanager.job.task.numRecordsIn";
    /** Network buffers queued in front of a Flink task: its backlog. */
    static final String FLINK_INPUT_QUEUE = "flink.taskmanager.job.task.Shuffle.Netty.Input.Buffers.inputQueueLength";
    /** Time per second a Flink task was back-pressured. */
    static final String FLINK_BACKPRESSURE = "flink.taskmanager.job.task.backPressuredTimeMsPerSecond";
    /** When the last checkpoint completed (ms since the epoch). */
    static final String FLINK_LAST_CHECKPOINT = "flink.jobmanager.job.lastCheckpointCompletedTimestamp";
    private static final java.util.Set<String> FLINK_SHOWN = java.util.Set.of(FLINK_RECORDS_IN, FLINK_INPUT_QUEUE,
            FLINK_BACKPRESSURE, FLINK_LAST_CHECKPOINT);

    private final MeterRegistry registry;
    private final LongSupplier activeRuleVersion;
    private final SeriesControl series;
    private final LongSupplier nanoTime;
    private final LongSupplier epochMillis;
    private final long startMs;
    private Map<String, double[]> previous = new HashMap<>();
    private Map<String, Object> latest;

    /**
     * @param registry          meters of all stages
     * @param activeRuleVersion version the rule store has active
     * @param series            acquisition control (for its state)
     */
    public PipelineStatusReporter(MeterRegistry registry, LongSupplier activeRuleVersion, SeriesControl series) {
        this(registry, activeRuleVersion, series, System::nanoTime, System::currentTimeMillis);
    }

    /**
     * A reporter on given clocks, e.g. clocks a test moves on.
     *
     * @param registry          meters of all stages
     * @param activeRuleVersion version the rule store has active
     * @param series            acquisition control (for its state)
     * @param nanoTime          monotonic time in ns, for rates ({@link System#nanoTime()})
     * @param epochMillis       wall-clock time in ms since the epoch, for ages and the sample's time
     *                          ({@link System#currentTimeMillis()})
     */
    public PipelineStatusReporter(MeterRegistry registry, LongSupplier activeRuleVersion, SeriesControl series,
            LongSupplier nanoTime, LongSupplier epochMillis) {
        this.registry = registry;
        this.activeRuleVersion = activeRuleVersion;
        this.series = series;
        this.nanoTime = nanoTime;
        this.epochMillis = epochMillis;
        this.startMs = epochMillis.getAsLong();
    }

    /** @return the last sample, taking one if there is none yet */
    public synchronized Map<String, Object> latest() {
        return latest == null ? sample() : latest;
    }

    /** @return a new sample (rates relative to the previous sample) */
    public synchronized Map<String, Object> sample() {
        long nowNs = nanoTime.getAsLong();
        long nowMs = epochMillis.getAsLong();
        Map<String, double[]> current = new HashMap<>();
        List<Map<String, Object>> counters = new ArrayList<>();
        List<Map<String, Object>> gauges = new ArrayList<>();
        List<Map<String, Object>> timers = new ArrayList<>();
        Map<String, Map<String, Double>> stages = new TreeMap<>();
        Map<String, Double> errors = new TreeMap<>();
        double journalBytes = 0;
        Double checkpointAge = null;
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (name.startsWith("flink.") && !FLINK_SHOWN.contains(name)) {
                continue;
            }
            Map<String, String> tags = new TreeMap<>();
            for (Tag t : m.getId().getTags()) {
                tags.put(t.getKey(), t.getValue());
            }
            String key = name + tags;
            if (!name.startsWith("beamflow.") && !name.startsWith("flink.")) {
                continue;
            }
            if (m instanceof Counter || m instanceof FunctionCounter) {
                double count = m instanceof Counter c ? c.count() : ((FunctionCounter) m).count();
                double rate = rate(key, count, nowNs);
                current.put(key, new double[] {count, nowNs});
                counters.add(entry(name, tags, "count", count, "ratePerSec", rate));
                String stage = stageOf(name, tags);
                if (stage != null) {
                    String field = name.endsWith(".bytes") ? "bytesPerSec" : "framesPerSec";
                    stages.computeIfAbsent(stage, s -> new TreeMap<>()).merge(field, rate, Double::sum);
                    stages.get(stage).merge(name.endsWith(".bytes") ? "bytes" : "frames", count, Double::sum);
                }
                if (name.equals(MetricNames.INGEST_REJECTED) || name.equals(MetricNames.CONTROL_REJECTED)) {
                    errors.merge(name.substring("beamflow.".length()) + ":" + tags.getOrDefault("reason", "?"), count,
                            Double::sum);
                }
            } else if (m instanceof Gauge g) {
                double v = g.value();
                gauges.add(entry(name, tags, "value", v, null, 0));
                if (name.equals(FLINK_INPUT_QUEUE) || name.equals(FLINK_BACKPRESSURE)) {
                    String field = name.equals(FLINK_INPUT_QUEUE) ? "backlog" : "backPressuredMsPerSec";
                    stages.computeIfAbsent(tags.getOrDefault("task_name", "?"), x -> new TreeMap<>()).merge(field,
                            Double.isNaN(v) ? 0 : v, Double::sum);
                } else if (name.equals(FLINK_LAST_CHECKPOINT) && v > 0) {
                    checkpointAge = (nowMs - v) / 1000.0;
                }
                if (name.equals(MetricNames.STAGE_BACKLOG)) {
                    stages.computeIfAbsent(tags.getOrDefault("stage", "?"), s -> new TreeMap<>()).merge("backlog", v,
                            Double::sum);
                } else if (name.equals(MetricNames.JOURNAL_BYTES)) {
                    journalBytes += v;
                } else if (name.equals(MetricNames.CHECKPOINT_AGE)) {
                    checkpointAge = v;
                }
            } else if (m instanceof Timer t) {
                Map<String, Object> e = entry(name, tags, "count", t.count(), "meanMs", t.mean(TimeUnit.MILLISECONDS));
                e.put("maxMs", t.max(TimeUnit.MILLISECONDS));
                timers.add(e);
            }
        }
        previous = current;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("timeMs", nowMs);
        s.put("uptimeS", (nowMs - startMs) / 1000.0);
        s.put("activeRuleVersion", activeRuleVersion.getAsLong());
        s.put("series", series.status());
        List<Map<String, Object>> stageList = new ArrayList<>();
        stages.forEach((stage, values) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("stage", stage);
            e.putAll(values);
            stageList.add(e);
        });
        s.put("stages", stageList);
        s.put("journalBytes", journalBytes);
        s.put("checkpointAgeS", checkpointAge);
        s.put("errors", errors);
        s.put("counters", counters);
        s.put("gauges", gauges);
        s.put("timers", timers);
        latest = s;
        return s;
    }

    private double rate(String key, double count, long nowNs) {
        double[] prev = previous.get(key);
        if (prev == null || nowNs - (long) prev[1] <= 0) {
            return 0;
        }
        return (count - prev[0]) / ((nowNs - (long) prev[1]) / 1e9);
    }

    private static String stageOf(String name, Map<String, String> tags) {
        if (name.equals(MetricNames.INGEST_FRAMES) || name.equals(MetricNames.INGEST_BYTES)) {
            return "ingest";
        }
        if (name.equals(MetricNames.STAGE_FRAMES)) {
            return tags.getOrDefault("stage", "?");
        }
        if (name.equals(MetricNames.SINK_FRAMES_WRITTEN)) {
            return "hdf5";
        }
        if (name.equals(MetricNames.LIVE_PUBLISHED)) {
            return "live-view";
        }
        if (name.equals(FLINK_RECORDS_IN)) {
            return tags.getOrDefault("task_name", tags.getOrDefault("operator_name", "?"));
        }
        return null;
    }

    private static Map<String, Object> entry(String name, Map<String, String> tags, String k1, Object v1, String k2,
            Object v2) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("tags", tags);
        e.put(k1, v1);
        if (k2 != null) {
            e.put(k2, v2);
        }
        return e;
    }
}
