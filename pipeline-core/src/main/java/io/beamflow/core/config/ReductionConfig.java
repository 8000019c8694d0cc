package io.beamflow.core.config;

/** Flink job settings. */
public final class ReductionConfig {
    /** Job parallelism. */
    public int parallelism = 1;
    /** Checkpoint interval in milliseconds. */
    public long checkpointIntervalMs = 2000;
    /** Directory for checkpoints. */
    public String checkpointDirectory = "data/checkpoints";
    /** Directory holding the active rule document ({@code active.json}) the running job follows. */
    public String rulesDirectory = "data/rules";
    /** Address of a remote Flink JobManager ({@code host:port}); empty: embedded MiniCluster. */
    public String jobManagerAddress = "";
}
