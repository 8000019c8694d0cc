/**
 * The chaos drill (issue #18): a long series through separately started ingest node, pipeline (embedded
 * MiniCluster or a two-TaskManager Flink cluster) and archive migrator, each killed with SIGKILL at random
 * moments, then checked: every frame in the files exactly once with its pixels, the master's accounting equal
 * to what was sent, every archive copy verified. {@link io.beamflow.bench.chaos.ChaosDrill} is the entry point.
 */
package io.beamflow.bench.chaos;
