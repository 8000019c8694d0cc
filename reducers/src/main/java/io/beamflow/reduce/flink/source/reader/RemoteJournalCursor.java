package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.journal.JournalRecordHandler;
import io.beamflow.core.journal.remote.JournalClient;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a stream from an ingest node's journal server in batches and hands the records out one at a
 * time. A server that does not answer (node restarting, network) is retried after a pause, counted and
 * logged at most every {@link #LOG_INTERVAL_NS}; the split keeps its position, so nothing is skipped.
 */
final class RemoteJournalCursor implements JournalCursor {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJournalCursor.class);
    static final long RETRY_AFTER_ERROR_NS = TimeUnit.SECONDS.toNanos(1);
    static final long RETRY_AFTER_EMPTY_NS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final JournalClient client;
    private final String stream;
    private final int maxRecordsPerBatch;
    private final long maxBytesPerBatch;
    private final Counter errors;
    private final LongSupplier nanoClock;
    private final ArrayDeque<JournalClient.Record> batch = new ArrayDeque<>();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long nextIndex;
    private long nextRequestNs;
    private long nextLogNs;

    /**
     * @param client             client of the stream's journal server (shared by the reader's splits)
     * @param stream             stream id on that server
     * @param fromIndex          first index to read, or -1 for the first record still in the journal
     * @param maxRecordsPerBatch most records per request
     * @param maxBytesPerBatch   most bytes per request
     * @param errors             counts failed requests
     * @param nanoClock          monotonic clock
     */
    RemoteJournalCursor(JournalClient client, String stream, long fromIndex, int maxRecordsPerBatch,
            long maxBytesPerBatch, Counter errors, LongSupplier nanoClock) {
        this.client = client;
        this.stream = stream;
        this.nextIndex = fromIndex;
        this.maxRecordsPerBatch = maxRecordsPerBatch;
        this.maxBytesPerBatch = maxBytesPerBatch;
        this.errors = errors;
        this.nanoClock = nanoClock;
        this.nextRequestNs = nanoClock.getAsLong();
        this.nextLogNs = nextRequestNs;
    }

    @Override
    public int poll(JournalRecordHandler handler) {
        if (batch.isEmpty() && !fetch()) {
            return 0;
        }
        JournalClient.Record r = batch.poll();
        view.wrap(r.part());
        handler.onRecord(r.index(), view, JournalClient.Record.OFFSET, r.length());
        return 1;
    }

    private boolean fetch() {
        long now = nanoClock.getAsLong();
        if (now - nextRequestNs < 0) {
            return false;
        }
        try {
            JournalClient.Batch b = client.read(stream, nextIndex, maxRecordsPerBatch, maxBytesPerBatch);
            batch.addAll(b.records());
            nextIndex = b.nextIndex();
        } catch (RuntimeException e) {
            errors.inc();
            nextRequestNs = now + RETRY_AFTER_ERROR_NS;
            if (now - nextLogNs >= 0) {
                nextLogNs = now + LOG_INTERVAL_NS;
                LOG.warn("journal server {}: cannot read stream {} from index {} ({} failed requests so far), "
                        + "retrying: {}", client.endpoint(), stream, nextIndex, errors.getCount(), e.getMessage());
            }
            return false;
        }
        if (batch.isEmpty()) {
            nextRequestNs = now + RETRY_AFTER_EMPTY_NS;
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        batch.clear();
    }
}
