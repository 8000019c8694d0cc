package io.beamflow.app.pipeline;

import io.beamflow.app.control.FlinkMicrometerReporter;
import io.beamflow.core.config.BeamflowConfig;
import org.apache.flink.configuration.Configuration;

/**
 * The configuration of the embedded MiniCluster that {@code pipeline} and {@code demo} run the job on: Flink's
 * metrics into Micrometer, network buffers for megabyte records, every endpoint on the bind address, then the
 * operator's own Flink options.
 */
public final class EmbeddedCluster {
    private EmbeddedCluster() {
    }

    /**
     * @param config the Beamflow configuration
     * @return a new Flink configuration for the embedded cluster
     */
    public static Configuration configuration(BeamflowConfig config) {
        Configuration conf = EmbeddedClusterBinding.apply(FrameNetworkSettings.apply(
                FlinkMicrometerReporter.enable(new Configuration()), config.reduction.effectiveParallelism()),
                config.reduction.embeddedBindAddress);
        return FlinkUserOptions.apply(conf, config.reduction.flinkConfiguration);
    }
}
