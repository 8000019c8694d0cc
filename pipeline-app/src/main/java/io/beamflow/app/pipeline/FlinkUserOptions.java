package io.beamflow.app.pipeline;

import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * The operator's own Flink options ({@code reduction.flinkConfiguration}): Flink's keys, applied last so that,
 * for example, a session cluster's REST SSL and mutual authentication settings reach the submitting client.
 */
public final class FlinkUserOptions {
    private FlinkUserOptions() {
    }

    /**
     * @param conf    a configuration Beamflow has filled
     * @param options Flink keys and values; null or empty: none
     * @return the same configuration
     * @throws IllegalArgumentException for a blank key or a null value
     */
    public static Configuration apply(Configuration conf, Map<String, String> options) {
        if (options == null) {
            return conf;
        }
        options.forEach((key, value) -> {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("reduction.flinkConfiguration: every entry needs a Flink key and a"
                        + " value, got '" + key + "': " + value);
            }
            conf.setString(key.strip(), value);
        });
        return conf;
    }
}
