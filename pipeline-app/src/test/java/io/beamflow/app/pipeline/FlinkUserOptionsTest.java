package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;

class FlinkUserOptionsTest {
    @Test
    void shouldBindEveryEmbeddedEndpointToLoopbackByDefault() {
        Configuration conf = EmbeddedClusterBinding.apply(new Configuration(), "");
        assertEquals("127.0.0.1", conf.get(RestOptions.BIND_ADDRESS));
        assertEquals("127.0.0.1", conf.get(JobManagerOptions.BIND_HOST));
        assertEquals("127.0.0.1", conf.get(TaskManagerOptions.BIND_HOST));
    }

    @Test
    void shouldLetTheOperatorsFlinkOptionsWinOverBeamflowsSettings() {
        Configuration conf = EmbeddedClusterBinding.apply(new Configuration(), "127.0.0.1");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("rest.bind-address", "10.0.0.5");
        options.put("security.ssl.rest.enabled", "true");
        FlinkUserOptions.apply(conf, options);
        assertEquals("10.0.0.5", conf.get(RestOptions.BIND_ADDRESS));
        assertEquals(true, conf.get(SecurityOptions.SSL_REST_ENABLED));
    }

    @Test
    void shouldRefuseAnOptionWithoutValue() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("security.ssl.rest.enabled", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FlinkUserOptions.apply(new Configuration(), options));
        assertEquals(true, e.getMessage().contains("reduction.flinkConfiguration"), e.getMessage());
    }
}
