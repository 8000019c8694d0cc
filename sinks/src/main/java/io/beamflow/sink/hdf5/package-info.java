/**
 * The HDF5/NeXus sink: series written as NXmx master and data files, committed by rename on checkpoint.
 *
 * <p>Series level: {@link io.beamflow.sink.hdf5.Hdf5Sink} (Flink Sink V2) and
 * {@link io.beamflow.sink.hdf5.Hdf5SinkWriter} route results to one {@link io.beamflow.sink.hdf5.NexusSeriesWriter}
 * per open series, which keeps its accounting and lifecycle; its parts write the files: {@code DataFileRoller} (data files of {@code framesPerFile} frames),
 * {@code ReductionTable} (the per-frame reduction table as one column list), {@code NxmxMasterLayout} (instrument,
 * sample, data groups; {@code PixelMask} with module gaps). Checkpoint state: {@code NexusSeriesStateCodec}.
 *
 * <p>File level: {@link io.beamflow.sink.hdf5.Hdf5FileWriter}, a streaming HDF5 writer, over {@code Hdf5FileModel}
 * (the tree of groups, datasets, links, attributes), {@code FileAppender} and {@code ChunkAppender} (raw data as it
 * arrives) and, at close, {@code Hdf5MetadataWriter} ({@code ObjectHeader} messages with named types,
 * {@code ChunkIndexWriter} B-trees, the superblock). Checkpoint state: {@code Hdf5FileStateCodec}.
 */
package io.beamflow.sink.hdf5;
