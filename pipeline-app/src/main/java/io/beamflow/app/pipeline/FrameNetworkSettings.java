package io.beamflow.app.pipeline;

import org.apache.flink.configuration.Configuration;

/**
 * Network buffers of an embedded Flink cluster sized for records of megabytes (frames and their encoded
 * chunks). With Flink's defaults (32 KiB buffers, 10 per channel, 8 floating per input) a 2 MiB frame spans far
 * more buffers than a channel holds, so the round-robin exchange into the reduction stalls on whichever
 * reduction subtask is busy while the others idle (PipelineThroughputBenchmark: 1024x1024 at parallelism 2 went
 * from 0.95x to 1.26x of parallelism 1 with these). A session cluster's TaskManagers need the same settings in
 * their own configuration.
 */
public final class FrameNetworkSettings {
    /** Network buffer size. */
    static final String SEGMENT_SIZE = "256kb";
    /** Floating buffers per input gate: 16 MiB, an 8 MiB (2048x2048 uint16) frame twice over. */
    static final int FLOATING_BUFFERS_PER_GATE = 64;
    /** Buffers one output channel may hold. */
    static final int MAX_BUFFERS_PER_CHANNEL = 64;
    private static final long SEGMENT_BYTES = 256L << 10;
    private static final int INPUT_GATES_PER_SUBTASK = 4;

    private FrameNetworkSettings() {
    }

    /**
     * @param conf        the embedded cluster's configuration
     * @param parallelism the job's parallelism (the buffers needed grow with it)
     * @return the same configuration
     */
    public static Configuration apply(Configuration conf, int parallelism) {
        int p = Math.max(1, parallelism);
        long perGate = (2L * p + FLOATING_BUFFERS_PER_GATE) * SEGMENT_BYTES;
        long network = Math.max(128L << 20, INPUT_GATES_PER_SUBTASK * p * perGate * 5 / 4);
        conf.setString("taskmanager.memory.segment-size", SEGMENT_SIZE);
        conf.setString("taskmanager.network.memory.floating-buffers-per-gate",
                Integer.toString(FLOATING_BUFFERS_PER_GATE));
        conf.setString("taskmanager.network.memory.max-buffers-per-channel", Integer.toString(MAX_BUFFERS_PER_CHANNEL));
        conf.setString("taskmanager.memory.network.min", (network >> 20) + "mb");
        conf.setString("taskmanager.memory.network.max", (network >> 20) + "mb");
        return conf;
    }
}
