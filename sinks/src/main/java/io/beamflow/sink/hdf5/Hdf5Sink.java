package io.beamflow.sink.hdf5;

import io.beamflow.core.config.SinkConfig;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Exactly-once NeXus/HDF5 sink for {@link FrameResult} streams (Flink Sink V2 with a committer).
 *
 * <p>Each series is written to {@code <outputRoot>/<beamtime>/<series>/}: {@code <series>_master.h5}
 * and {@code <series>_data_NNNNNN.h5}. Files are written under in-progress names
 * ({@code .<name>.inprogress}); the committer renames a file to its final name when the checkpoint
 * after which it was finished completes (data files when they fill up or at series end, the master
 * after SERIES_END, last). Open series are part of the checkpointed writer state, so after a failure
 * the in-progress files are truncated to the checkpoint and the replayed frames are appended once.
 *
 * <p>Requirements: checkpointing enabled (without it nothing is ever committed, except at the end of
 * a bounded input); all results of a series reach the same subtask (parallelism 1, or a stream keyed
 * by series id). What was committed: {@link Hdf5Output#committedMasters}.
 */
public final class Hdf5Sink implements Sink<FrameResult>, SupportsCommitter<Hdf5Committable>,
        SupportsWriterState<FrameResult, Hdf5WriterState> {
    private static final long serialVersionUID = 1L;

    private final Hdf5SinkSettings settings;
    private final SeriesCommitListener.Factory commitListener;

    /**
     * @param config the {@code sink} section of the configuration
     * @throws IllegalArgumentException for invalid settings (e.g. an unknown compression)
     */
    public Hdf5Sink(SinkConfig config) {
        this(Hdf5SinkSettings.of(config));
    }

    /** @param settings sink settings */
    public Hdf5Sink(Hdf5SinkSettings settings) {
        this(settings, null);
    }

    /**
     * @param settings       sink settings
     * @param commitListener creates, in each committer, the listener told of every committed series (e.g. the
     *                       series catalog); null: none
     */
    public Hdf5Sink(Hdf5SinkSettings settings, SeriesCommitListener.Factory commitListener) {
        this.settings = settings;
        this.commitListener = commitListener;
    }

    /** @return the settings */
    public Hdf5SinkSettings settings() {
        return settings;
    }

    @Override
    public Hdf5SinkWriter createWriter(WriterInitContext context) throws IOException {
        return new Hdf5SinkWriter(settings, context.metricGroup(), List.of());
    }

    @Override
    public StatefulSinkWriter<FrameResult, Hdf5WriterState> restoreWriter(WriterInitContext context,
                                                                         Collection<Hdf5WriterState> states)
            throws IOException {
        return new Hdf5SinkWriter(settings, context.metricGroup(), states);
    }

    @Override
    public SimpleVersionedSerializer<Hdf5WriterState> getWriterStateSerializer() {
        return new Hdf5Serializers.WriterStateSerializer();
    }

    @Override
    public Committer<Hdf5Committable> createCommitter(CommitterInitContext context) {
        return new Hdf5Committer(context.metricGroup(),
                commitListener == null ? null : commitListener.create(context.metricGroup()));
    }

    @Override
    public SimpleVersionedSerializer<Hdf5Committable> getCommittableSerializer() {
        return new Hdf5Serializers.CommittableSerializer();
    }
}
