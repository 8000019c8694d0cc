package io.beamflow.app.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * Keeps every endpoint of the embedded Flink cluster (REST, BlobServer, RPC, data exchange) on one address,
 * loopback by default: Flink's endpoints are unauthenticated, and by default the MiniCluster's REST endpoint and
 * BlobServer listen on all interfaces.
 */
public final class EmbeddedClusterBinding {
    private EmbeddedClusterBinding() {
    }

    /**
     * @param conf    the embedded cluster's configuration
     * @param address the address to bind and advertise
     * @return the same configuration
     */
    public static Configuration apply(Configuration conf, String address) {
        String a = address == null || address.isBlank() ? "127.0.0.1" : address.strip();
        conf.set(RestOptions.ADDRESS, a);
        conf.set(RestOptions.BIND_ADDRESS, a);
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, a);
        conf.set(JobManagerOptions.BIND_HOST, a);
        conf.set(TaskManagerOptions.HOST, a);
        conf.set(TaskManagerOptions.BIND_HOST, a);
        return conf;
    }
}
