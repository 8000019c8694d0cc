package io.beamflow.reduce.flink.source;

import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.enumerator.JournalEnumeratorState;
import io.beamflow.reduce.flink.source.enumerator.JournalEnumeratorStateSerializer;
import io.beamflow.reduce.flink.source.enumerator.JournalSplitEnumerator;
import io.beamflow.reduce.flink.source.reader.JournalSourceReader;
import io.beamflow.reduce.flink.source.reader.JournalSplitReader;
import io.beamflow.reduce.flink.source.reader.LiveFrameSampler;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import io.beamflow.reduce.flink.source.split.JournalSplitSerializer;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SourceReaderOptions;
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
    /** The live path takes frames received at most this long ago (or one per this period if none is). */
    private static final long LIVE_MAX_AGE_NS = 1_000_000_000L;

    private final JournalLocations journals;
    private final long discoveryIntervalMs;
    private final int stopAfterSeriesEnd;
    private final int expectedStreams;
    private final int maxHeaderBytes;
    private final long maxFrameBytes;
    private final JournalSettings journalSettings;
    private final long liveMinIntervalNs;
    private final boolean pixelsByReference;

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
        this(journals, discoveryIntervalMs, stopAfterSeriesEnd, expectedStreams, limits, journalSettings, 0, false);
    }

    private JournalSource(JournalLocations journals, long discoveryIntervalMs, int stopAfterSeriesEnd,
            int expectedStreams, WireLimits limits, JournalSettings journalSettings, long liveMinIntervalNs,
            boolean pixelsByReference) {
        this.liveMinIntervalNs = liveMinIntervalNs;
        this.pixelsByReference = pixelsByReference;
        this.journalSettings = journalSettings;
        this.journals = journals;
        this.discoveryIntervalMs = discoveryIntervalMs;
        this.stopAfterSeriesEnd = stopAfterSeriesEnd;
        this.expectedStreams = expectedStreams;
        this.maxHeaderBytes = limits.maxHeaderBytes();
        this.maxFrameBytes = limits.maxFrameBytes();
    }

    /**
     * The live path's source: it reads the same journals (their headers only) and emits every series marker but
     * only the newest fresh frame a {@link LiveFrameSampler} takes, at most {@code maxFramesPerSecond}, as a
     * reference (the reduction reads its pixels from the journal, {@link JournalRecord#journalDirectory}); it never
     * releases a journal.
     *
     * @param journals            where the journals are (local directories only: a journal server would send
     *                            every frame's pixels)
     * @param discoveryIntervalMs stream discovery period
     * @param stopAfterSeriesEnd  SERIES_END records per stream after which it ends (0: unbounded)
     * @param expectedStreams     bounded mode: streams to wait for
     * @param limits              largest accepted header and frame
     * @param journalSettings     journal layout
     * @param maxFramesPerSecond  largest rate of frames per stream
     * @return the source
     */
    public static JournalSource live(JournalLocations journals, long discoveryIntervalMs, int stopAfterSeriesEnd,
            int expectedStreams, WireLimits limits, JournalSettings journalSettings, double maxFramesPerSecond) {
        if (journals.remote()) {
            throw new IllegalArgumentException("the live path reads local journals only");
        }
        long interval = maxFramesPerSecond <= 0 ? 1 : Math.max(1, (long) (1e9 / maxFramesPerSecond));
        return new JournalSource(journals, discoveryIntervalMs, stopAfterSeriesEnd, expectedStreams, limits,
                journalSettings, interval, false);
    }

    /**
     * As the record path's source, but frames of local journals leave their pixels in the journal: each is emitted
     * as a reference (header, journal directory and index) that the reduction resolves with a
     * {@link io.beamflow.reduce.flink.source.reader.JournalPixelReader}, so that an exchange into the reduction
     * moves a few hundred bytes per frame instead of its pixels. Frames of remote journals carry their pixels.
     *
     * @param journals            where the journals are
     * @param discoveryIntervalMs stream discovery period
     * @param stopAfterSeriesEnd  SERIES_END records per stream after which it ends (0: unbounded)
     * @param expectedStreams     bounded mode: streams to wait for
     * @param limits              largest accepted header and frame
     * @param journalSettings     journal layout
     * @return the source
     */
    public static JournalSource byReference(JournalLocations journals, long discoveryIntervalMs,
            int stopAfterSeriesEnd, int expectedStreams, WireLimits limits, JournalSettings journalSettings) {
        return new JournalSource(journals, discoveryIntervalMs, stopAfterSeriesEnd, expectedStreams, limits,
                journalSettings, 0, true);
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
        boolean live = liveMinIntervalNs > 0;
        long interval = liveMinIntervalNs;
        Configuration readerConfig = new Configuration();
        if (live) {
            // one fetch waits for the task thread at most, so a frame taken is never behind another one
            readerConfig.set(SourceReaderOptions.ELEMENT_QUEUE_CAPACITY, 1);
        }
        return new JournalSourceReader(() -> new JournalSplitReader(limits, 64, stopAfterSeriesEnd, malformed,
                journalSettings, journals.serverTimeoutMs(), serverErrors,
                live ? () -> new LiveFrameSampler(interval, LIVE_MAX_AGE_NS, System::nanoTime,
                        JournalSource::epochNanos) : null, pixelsByReference),
                readerConfig, context, journals.remote() ? null : journals.directory(),
                journals.serverTimeoutMs(), !live);
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

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
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
