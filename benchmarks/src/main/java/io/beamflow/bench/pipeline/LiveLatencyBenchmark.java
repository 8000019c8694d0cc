package io.beamflow.bench.pipeline;

import io.beamflow.app.demo.DemoReport;
import io.beamflow.app.demo.DemoRunner;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.sink.live.LiveViewSubscriber;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Live-view latency (ingest receive to live-view publish, {@code beamflow.pipeline.latency{stage=live-view}}) with
 * the simulated detector sending at a fixed rate through a real ingest node, the production job (live path and
 * record path) and the HDF5 sink, as in the demo: p50 and p99 of the live view, the record path's p99 (how far
 * behind the files were written), and whether every frame still reached the files; heap and RSS at the end.
 *
 * <p>Run (after {@code mvn -B -q -DskipTests package}), in a scratch directory holding {@code config/}:
 * {@code benchmarks/target/bench io.beamflow.bench.pipeline.LiveLatencyBenchmark [--config config/demo.yaml]
 * [--frames 1000] [--rates 100,300]}
 */
public final class LiveLatencyBenchmark {
    private LiveLatencyBenchmark() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when a stage fails
     */
    public static void main(String[] args) throws Exception {
        Path configFile = Path.of("config/demo.yaml");
        int frames = 1000;
        String rates = "100,300";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--config" -> configFile = Path.of(args[i + 1]);
                case "--frames" -> frames = Integer.parseInt(args[i + 1]);
                case "--rates" -> rates = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("| rate (Hz) | frames sent | written | live p50 ms | live p99 ms | live p99 ms after the first "
                + "5 s (subscriber) | record path p99 s | reduction frames/s | heap after GC, MB (at 25/50/75/100 % of "
                + "the run) | RSS, MB (same) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String r : rates.split(",")) {
            double rate = Double.parseDouble(r.strip());
            System.out.println(run(configFile, frames, rate));
        }
    }

    @SuppressWarnings("try") // the subscriber only has to run while the demo does
    static String run(Path configFile, int frames, double rateHz) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(MetricNames.PIPELINE_LATENCY)
                        ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99).expiry(Duration.ofHours(1))
                                .bufferLength(1).build().merge(config)
                        : config;
            }
        });
        Metrics.addRegistry(registry);
        try {
            BeamflowConfig config = BeamflowConfig.load(configFile);
            config.simulator.frames = frames;
            config.simulator.rateHz = rateHz;
            config.simulator.seriesId = "live-latency-" + (int) rateHz;
            MemorySampler memory = new MemorySampler();
            java.util.List<long[]> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            DemoReport report;
            try (LiveViewSubscriber sub = new LiveViewSubscriber(config.control.liveViewEndpoint, m -> {
                if ("frame".equals(m.header().type) && m.header().receiveTimeNs > 0) {
                    seen.add(new long[] {System.nanoTime(), System.currentTimeMillis() * 1_000_000L
                            - m.header().receiveTimeNs});
                }
            })) {
                report = new DemoRunner(config, false).run(Duration.ofMinutes(20));
            } finally {
                memory.close();
            }
            Timer live = registry.find(MetricNames.PIPELINE_LATENCY).tag("stage", "live-view").timer();
            Timer record = registry.find(MetricNames.PIPELINE_LATENCY).tag("stage", "record").timer();
            return String.format(Locale.ROOT, "| %.0f | %d | %d | %.0f | %.0f | %s | %.1f | %.1f | %s | %s |", rateHz,
                    report.sent().frames(), report.outcome().framesStored(), percentileMs(live, 0.5),
                    percentileMs(live, 0.99), afterWarmUp(seen, 5_000_000_000L), percentileMs(record, 0.99) / 1000,
                    report.reductionFramesPerSecond(), memory.quartiles(0), memory.quartiles(1));
        } finally {
            Metrics.removeRegistry(registry);
        }
    }

    /** Old-generation use after the last collection and the process RSS, every second while a run goes on. */
    static final class MemorySampler implements AutoCloseable {
        private final java.util.List<long[]> samples = new java.util.ArrayList<>();
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

        MemorySampler() {
            timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
        }

        private synchronized void sample() {
            long afterGc = 0;
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getCollectionUsage() != null && pool.getName().contains("Old")) {
                    afterGc += pool.getCollectionUsage().getUsed();
                }
            }
            try {
                samples.add(new long[] {afterGc, rssBytes()});
            } catch (java.io.IOException e) {
                samples.add(new long[] {afterGc, -1});
            }
        }

        synchronized String quartiles(int which) {
            if (samples.isEmpty()) {
                return "-";
            }
            StringBuilder b = new StringBuilder();
            for (int q = 1; q <= 4; q++) {
                long v = samples.get(Math.max(0, samples.size() * q / 4 - 1))[which];
                b.append(q > 1 ? " / " : "").append(v >> 20);
            }
            return b.toString();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** p99 of the latencies a subscriber saw, leaving out the frames of the first seconds (the job's start). */
    static String afterWarmUp(java.util.List<long[]> seen, long warmUpNs) {
        synchronized (seen) {
            if (seen.isEmpty()) {
                return "-";
            }
            long start = seen.get(0)[0];
            long[] ms = seen.stream().filter(s -> s[0] - start >= warmUpNs).mapToLong(s -> s[1] / 1_000_000L).sorted()
                    .toArray();
            return ms.length == 0 ? "-"
                    : ms[Math.min(ms.length - 1, (int) Math.ceil(0.99 * ms.length) - 1)] + " (" + ms.length + " frames)";
        }
    }

    private static double percentileMs(Timer t, double p) {
        if (t == null) {
            return Double.NaN;
        }
        for (ValueAtPercentile v : t.takeSnapshot().percentileValues()) {
            if (Math.abs(v.percentile() - p) < 1e-9) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    private static long rssBytes() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
