package io.beamflow.sink.hdf5;

/**
 * Checkpointed state of one open series: the serialized {@link NexusSeriesWriter} snapshot (metadata
 * model, chunk indexes, partly filled reduction chunks, in-progress file lengths). Immutable.
 *
 * @param seriesId series
 * @param snapshot bytes from {@link NexusSeriesWriter#snapshot()}
 */
public record Hdf5WriterState(String seriesId, byte[] snapshot) {
}
