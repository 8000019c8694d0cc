package io.beamflow.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink MiniCluster every {@code *ITCase} registers: one TaskManager with two slots (the machines
 * that run the suite have two cores), started once per test class.
 */
public final class SharedMiniCluster {
    private SharedMiniCluster() {
    }

    /** @return a new extension with Beamflow's standard test cluster */
    public static MiniClusterExtension extension() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}
