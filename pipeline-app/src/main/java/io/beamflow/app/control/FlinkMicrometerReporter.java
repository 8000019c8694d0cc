package io.beamflow.app.control;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink metric reporter that mirrors Flink's own metrics (records in/out, backpressure, checkpoints,
 * ...) into Micrometer's global registry, so that they appear on Beamflow's {@code /metrics} endpoint
 * as {@code flink_<logical scope>_<name>} with Flink's scope variables as tags. Works where Flink runs
 * in the same JVM (embedded MiniCluster); on a remote cluster use Flink's Prometheus reporter.
 * Enable with {@link #enable(Configuration)}.
 */
public final class FlinkMicrometerReporter implements MetricReporter {
    /** Name of the reporter in Flink's configuration. */
    public static final String NAME = "beamflow";

    private final MeterRegistry registry;
    private final Map<Metric, Meter> meters = new ConcurrentHashMap<>();

    /** @param registry registry to mirror into */
    public FlinkMicrometerReporter(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Adds this reporter to a Flink configuration (call before creating the execution environment).
     * The application must have added its Prometheus registry to {@link Metrics#globalRegistry}.
     *
     * @param conf Flink configuration
     * @return the same configuration
     */
    public static Configuration enable(Configuration conf) {
        conf.setString("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
        conf.setString("metrics.reporter." + NAME + ".interval", "1 s");
        return conf;
    }

    @Override
    public void open(MetricConfig config) {
        // nothing to configure
    }

    @Override
    public void close() {
        meters.values().forEach(registry::remove);
        meters.clear();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String scope;
        try {
            scope = LogicalScopeProvider.castFrom(group).getLogicalScope(FlinkMicrometerReporter::clean, '.');
        } catch (IllegalStateException e) {
            scope = "other";
        }
        String name = "flink." + scope + "." + clean(metricName);
        List<Tag> tags = new ArrayList<>();
        group.getAllVariables().forEach((k, v) -> tags.add(Tag.of(clean(k.replace("<", "").replace(">", "")),
                v == null ? "" : v)));
        Meter m;
        if (metric instanceof Counter c) {
            m = FunctionCounter.builder(name, c, Counter::getCount).tags(tags).register(registry);
        } else if (metric instanceof org.apache.flink.metrics.Gauge<?> g) {
            m = Gauge.builder(name, g, FlinkMicrometerReporter::gaugeValue).tags(tags).register(registry);
        } else if (metric instanceof org.apache.flink.metrics.Meter fm) {
            m = Gauge.builder(name + ".rate", fm, org.apache.flink.metrics.Meter::getRate).tags(tags).register(registry);
        } else if (metric instanceof org.apache.flink.metrics.Histogram h) {
            m = Gauge.builder(name + ".p99", h, x -> x.getStatistics().getQuantile(0.99)).tags(tags).register(registry);
        } else {
            return;
        }
        meters.put(metric, m);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        Meter m = meters.remove(metric);
        if (m != null) {
            registry.remove(m);
        }
    }

    private static double gaugeValue(org.apache.flink.metrics.Gauge<?> g) {
        Object v = g.getValue();
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String clean(String s) {
        return s.replaceAll("[^A-Za-z0-9_.]", "_");
    }

    /** Flink instantiates the reporter through this factory. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(java.util.Properties properties) {
            return new FlinkMicrometerReporter(Metrics.globalRegistry);
        }
    }
}
