package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.journal.remote.JournalClient;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.JournalRecordDecoder;
import io.beamflow.reduce.flink.source.JournalSettings;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the journals of its assigned streams on the fetcher thread, copying each record out: local
 * journals are tailed, remote ones replayed from their ingest node's journal server (one client per
 * server). A split finishes (bounded mode) after it delivered {@code stopAfterSeriesEnd} SERIES_END
 * records. Malformed records are skipped, logged and counted. On the live path (with a
 * {@link LiveFrameSampler} per split) each fetch reads the headers up to the journal's end and offers the sampler
 * only the newest frame (and the last frame before each series marker), emitted as a reference whose pixels the
 * reduction reads from the journal; every series marker is emitted. So the live path never works through a
 * queue of older frames: however long a fetch waited, it takes the newest frame there is.
 */
public final class JournalSplitReader implements SplitReader<JournalRecord, JournalSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSplitReader.class);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(2);
    // Requests of about 16 MiB: larger ones made the request/reply lock-step slower
    // (JournalServerReadBenchmark: 1 MiB records, 0.83 GB/s at 64 MiB, 1.07 GB/s at 16 MiB).
    private static final int REMOTE_BATCH_RECORDS = 256;
    private static final long REMOTE_BATCH_BYTES = 16L << 20;
    /** Headers the live path reads per fetch at most (a restored job may start far behind the journal's end). */
    static final int LIVE_RECORDS_PER_FETCH = 4096;

    private final int maxRecordsPerFetch;
    private final int stopAfterSeriesEnd;
    private final JournalRecordDecoder decoder;
    private final Counter malformedRecords;
    private final JournalSettings settings;
    private final Map<String, OpenSplit> splits = new LinkedHashMap<>();
    private final Map<String, JournalClient> clients = new HashMap<>();
    private final int serverTimeoutMs;
    private final Counter serverErrors;
    private final Supplier<LiveFrameSampler> liveSamplers;
    private final boolean pixelsByReference;
    private volatile boolean wakeUp;

    /**
     * @param limits             largest accepted header and frame
     * @param maxRecordsPerFetch records read per split per fetch
     * @param stopAfterSeriesEnd bounded mode: SERIES_END records after which a split ends (0: never)
     * @param malformedRecords   counter of skipped records
     * @param settings           journal layout
     * @param serverTimeoutMs    how long a journal server request waits for its reply
     * @param serverErrors       counter of failed journal server requests
     */
    public JournalSplitReader(WireLimits limits, int maxRecordsPerFetch, int stopAfterSeriesEnd,
            Counter malformedRecords, JournalSettings settings, int serverTimeoutMs, Counter serverErrors) {
        this(limits, maxRecordsPerFetch, stopAfterSeriesEnd, malformedRecords, settings, serverTimeoutMs, serverErrors,
                null);
    }

    /**
     * As the record path's reader, for the live path when {@code liveSamplers} is not {@code null}.
     *
     * @param limits             largest accepted header and frame
     * @param maxRecordsPerFetch records read per split per fetch
     * @param stopAfterSeriesEnd bounded mode: SERIES_END records after which a split ends (0: never)
     * @param malformedRecords   counter of skipped records
     * @param settings           journal layout
     * @param serverTimeoutMs    how long a journal server request waits for its reply
     * @param serverErrors       counter of failed journal server requests
     * @param liveSamplers       makes each split's live sampler; {@code null}: every record is emitted
     */
    public JournalSplitReader(WireLimits limits, int maxRecordsPerFetch, int stopAfterSeriesEnd,
            Counter malformedRecords, JournalSettings settings, int serverTimeoutMs, Counter serverErrors,
            Supplier<LiveFrameSampler> liveSamplers) {
        this(limits, maxRecordsPerFetch, stopAfterSeriesEnd, malformedRecords, settings, serverTimeoutMs, serverErrors,
                liveSamplers, false);
    }

    /**
     * @param limits             largest accepted header and frame
     * @param maxRecordsPerFetch records read per split per fetch
     * @param stopAfterSeriesEnd bounded mode: SERIES_END records after which a split ends (0: never)
     * @param malformedRecords   counter of skipped records
     * @param settings           journal layout
     * @param serverTimeoutMs    how long a journal server request waits for its reply
     * @param serverErrors       counter of failed journal server requests
     * @param liveSamplers       makes each split's live sampler; {@code null}: every record is emitted
     * @param pixelsByReference  whether frames of local journals are emitted without their pixels, as references
     *                           the reduction resolves ({@link JournalPixelReader})
     */
    public JournalSplitReader(WireLimits limits, int maxRecordsPerFetch, int stopAfterSeriesEnd,
            Counter malformedRecords, JournalSettings settings, int serverTimeoutMs, Counter serverErrors,
            Supplier<LiveFrameSampler> liveSamplers, boolean pixelsByReference) {
        this.liveSamplers = liveSamplers;
        this.pixelsByReference = pixelsByReference;
        this.settings = settings;
        this.serverTimeoutMs = serverTimeoutMs;
        this.serverErrors = serverErrors;
        this.decoder = new JournalRecordDecoder(limits);
        this.maxRecordsPerFetch = maxRecordsPerFetch;
        this.stopAfterSeriesEnd = stopAfterSeriesEnd;
        this.malformedRecords = malformedRecords;
    }

    /** One split being read. */
    private static final class OpenSplit {
        final JournalSplit split;
        final JournalCursor cursor;
        final LiveFrameSampler sampler;
        /** Live path: the newest frame read and not yet offered to the sampler, as a reference. */
        JournalRecord newest;
        int seriesEnds;

        OpenSplit(JournalSplit split, JournalCursor cursor, LiveFrameSampler sampler) {
            this.split = split;
            this.cursor = cursor;
            this.sampler = sampler;
            this.seriesEnds = split.seriesEndsSeen();
        }

        void close() {
            cursor.close();
        }
    }

    private JournalCursor cursor(JournalSplit split) {
        if (!split.isRemote()) {
            return new LocalJournalCursor(settings.config(Path.of(split.directory())), split.startIndex());
        }
        JournalClient client = clients.computeIfAbsent(split.server(), s -> new JournalClient(s, serverTimeoutMs));
        return new RemoteJournalCursor(client, split.remoteStream(), split.startIndex(), REMOTE_BATCH_RECORDS,
                REMOTE_BATCH_BYTES, serverErrors, System::nanoTime);
    }

    @Override
    public RecordsWithSplitIds<JournalRecord> fetch() {
        Map<String, Collection<JournalRecord>> records = new HashMap<>();
        Set<String> finished = new HashSet<>();
        int total = 0;
        for (Iterator<OpenSplit> it = splits.values().iterator(); it.hasNext(); ) {
            OpenSplit open = it.next();
            if (isDone(open)) {
                finished.add(open.split.splitId());
                open.close();
                it.remove();
                continue;
            }
            ArrayList<JournalRecord> batch = new ArrayList<>();
            if (open.sampler != null) {
                fetchLive(open, batch);
            }
            for (int i = 0; open.sampler == null && i < maxRecordsPerFetch && !isDone(open); i++) {
                int read = open.cursor.poll((index, buffer, offset, length) -> {
                    boolean reference = pixelsByReference && !open.split.isRemote();
                    JournalRecord r = reference
                            ? decoder.decode(open.split.streamId(), index, buffer, offset, length, f -> false)
                            : decoder.decode(open.split.streamId(), index, buffer, offset, length);
                    if (r == null) {
                        malformedRecords.inc();
                        LOG.warn("skipping malformed record {} of stream {}: {}", index, open.split.streamId(),
                                decoder.lastError());
                        return;
                    }
                    if (r.type == MessageType.SERIES_END) {
                        open.seriesEnds++;
                    }
                    if (reference && r.type == MessageType.FRAME) {
                        r.journalDirectory = open.split.directory();
                        batch.add(r);
                    } else if (r.type != MessageType.FRAME || r.payload != null) {
                        batch.add(r);
                    }
                });
                if (read == 0) {
                    break;
                }
            }
            if (!batch.isEmpty()) {
                records.put(open.split.splitId(), batch);
                total += batch.size();
            }
            if (isDone(open)) {
                finished.add(open.split.splitId());
                open.close();
                it.remove();
            }
        }
        if (total == 0 && finished.isEmpty() && !wakeUp) {
            LockSupport.parkNanos(IDLE_PARK_NS);
        }
        wakeUp = false;
        return new RecordsBySplits<>(records, finished);
    }

    /** The live path's fetch of one split: headers up to the journal's end, the newest frame offered. */
    private void fetchLive(OpenSplit open, ArrayList<JournalRecord> batch) {
        for (int i = 0; i < LIVE_RECORDS_PER_FETCH && !isDone(open); i++) {
            int read = open.cursor.poll((index, buffer, offset, length) -> {
                JournalRecord r = decoder.decode(open.split.streamId(), index, buffer, offset, length, f -> false);
                if (r == null) {
                    malformedRecords.inc();
                    LOG.warn("skipping malformed record {} of stream {}: {}", index, open.split.streamId(),
                            decoder.lastError());
                    return;
                }
                if (r.type == MessageType.FRAME) {
                    r.journalDirectory = open.split.directory();
                    open.newest = r;
                    if (open.sampler.everyFrame()) {
                        offerNewest(open, batch, false);
                    }
                    return;
                }
                offerNewest(open, batch, false); // a series' last frame goes before its marker, or not at all
                if (r.type == MessageType.SERIES_END) {
                    open.seriesEnds++;
                }
                batch.add(r);
            });
            if (read == 0) {
                break;
            }
        }
        offerNewest(open, batch, true);
    }

    /**
     * @param keep whether a frame the sampler does not take yet stays the candidate (until a newer one is read)
     */
    private static void offerNewest(OpenSplit open, ArrayList<JournalRecord> batch, boolean keep) {
        if (open.newest != null && open.sampler.take(open.newest.receiveTimeNs)) {
            batch.add(open.newest);
            open.newest = null;
        } else if (!keep) {
            open.newest = null;
        }
    }

    private boolean isDone(OpenSplit open) {
        return stopAfterSeriesEnd > 0 && open.seriesEnds >= stopAfterSeriesEnd;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<JournalSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("unsupported split change " + change);
        }
        for (JournalSplit s : change.splits()) {
            LOG.info("reading {}", s);
            splits.put(s.splitId(), new OpenSplit(s, cursor(s), liveSamplers == null ? null : liveSamplers.get()));
        }
    }

    @Override
    public void wakeUp() {
        wakeUp = true;
    }

    @Override
    public void close() {
        for (OpenSplit open : splits.values()) {
            open.close();
        }
        splits.clear();
        clients.values().forEach(JournalClient::close);
        clients.clear();
    }
}
