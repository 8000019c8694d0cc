package io.beamflow.reduce.flink.source;

import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.enumerator.JournalEnumeratorState;
import io.beamflow.reduce.flink.source.enumerator.JournalEnumeratorStateSerializer;
import io.beamflow.reduce.flink.source.enumerator.JournalSplitEnumerator;
import io.beamflow.reduce.flink.source.reader.JournalSourceReader;
import io.beamflow.reduce.flink.source.reader.JournalSplitReader;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import io.beamflow.reduce.flink.source.split.JournalSplitSerializer;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;

/**
 * FLIP-27 source over the ingest nodes' journals: a split is one stream's journal, its state the
 * journal index of the next record, so a job restored from a checkpoint replays from there. Journals
 * are tailed in a local directory or replayed from the journal servers of ingest nodes on other hosts
 * ({@link JournalLocations}).
 *
 * <p>Unbounded by default (streams are discovered as they appear). With {@code stopAfterSeriesEnd > 0}
 * it is bounded: each stream ends after that many SERIES_END records and discovery stops after
 * {@code expectedStreams} streams, so the job finishes by itself.
 */
public final class JournalSource implements Source<JournalRecord, JournalSplit, JournalEnumeratorState> {
    private static final long serialVersionUID = 1L;

    private final JournalLocations journals;
    private final long discoveryIntervalMs;
    private final int stopAfterSeriesEnd;
    private final int expectedStreams;
    private final int maxHeaderBytes;
    private final long maxFrameBytes;
    private final JournalSettings journalSettings;

    /**
     * @param journals            where the journals are: a local directory or journal servers
     * @param discoveryIntervalMs stream discovery period
     * @param stopAfterSeriesEnd  SERIES_END records per stream after which it ends (0: unbounded)
     * @param expectedStreams     bounded mode: streams to wait for
     * @param limits              largest accepted header and frame
     * @param journalSettings     journal layout (roll cycle, block size) as the ingest nodes create it
     */
    public JournalSource(JournalLocations journals, long discoveryIntervalMs, int stopAfterSeriesEnd,
            int expectedStreams, WireLimits limits, JournalSettings journalSettings) {
        this.journalSettings = journalSettings;
        this.journals = journals;
        this.discoveryIntervalMs = discoveryIntervalMs;
        this.stopAfterSeriesEnd = stopAfterSeriesEnd;
        this.expectedStreams = expectedStreams;
        this.maxHeaderBytes = limits.maxHeaderBytes();
        this.maxFrameBytes = limits.maxFrameBytes();
    }

    @Override
    public Boundedness getBoundedness() {
        return stopAfterSeriesEnd > 0 ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<JournalRecord, JournalSplit> createReader(SourceReaderContext context) {
        Counter malformed = context.metricGroup().counter("journalRecordsMalformed");
        Counter serverErrors = context.metricGroup().counter("journalServerErrors");
        WireLimits limits = new WireLimits(maxHeaderBytes, maxFrameBytes);
        return new JournalSourceReader(() -> new JournalSplitReader(limits, 64, stopAfterSeriesEnd, malformed,
                journalSettings, journals.serverTimeoutMs(), serverErrors),
                new Configuration(), context, journals.remote() ? null : journals.directory(),
                journals.serverTimeoutMs());
    }

    @Override
    public SplitEnumerator<JournalSplit, JournalEnumeratorState> createEnumerator(
            SplitEnumeratorContext<JournalSplit> context) {
        return restoreEnumerator(context, null);
    }

    @Override
    public SplitEnumerator<JournalSplit, JournalEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<JournalSplit> context, JournalEnumeratorState state) {
        return new JournalSplitEnumerator(context, journals, discoveryIntervalMs, expectedStreams,
                stopAfterSeriesEnd > 0, state);
    }

    @Override
    public SimpleVersionedSerializer<JournalSplit> getSplitSerializer() {
        return new JournalSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<JournalEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new JournalEnumeratorStateSerializer();
    }
}
