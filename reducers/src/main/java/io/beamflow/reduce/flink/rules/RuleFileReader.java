package io.beamflow.reduce.flink.rules;

import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.reduce.flink.source.JournalLocations;
import io.beamflow.reduce.flink.source.JournalSettings;
import io.beamflow.reduce.flink.source.SeriesEndScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code <rulesDirectory>/active.json} and emits its text whenever it changes. Validation is
 * left to the decision operator. In bounded mode it ends once every journal stream holds its final
 * SERIES_END, so that the job can finish.
 */
public final class RuleFileReader implements SourceReader<String, RuleFileSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(RuleFileReader.class);

    private final long pollIntervalMs;
    private final LongSupplier clockMs;
    private final SeriesEndScanner endScanner;
    private final int expectedStreams;
    private final int stopAfterSeriesEnd;
    private final List<RuleFileSplit> splits = new ArrayList<>();
    private boolean noMoreSplits;
    private String lastText;
    private long nextPollMs;
    private CompletableFuture<Void> available = CompletableFuture.completedFuture(null);

    RuleFileReader(long pollIntervalMs, JournalLocations journals, int expectedStreams, int stopAfterSeriesEnd,
            JournalSettings journalSettings) {
        this(pollIntervalMs, journals, expectedStreams, stopAfterSeriesEnd, journalSettings, System::currentTimeMillis);
    }

    /** As above, with the clock that decides when the file is read again (tests drive it by hand). */
    RuleFileReader(long pollIntervalMs, JournalLocations journals, int expectedStreams, int stopAfterSeriesEnd,
            JournalSettings journalSettings, LongSupplier clockMs) {
        this.pollIntervalMs = pollIntervalMs;
        this.clockMs = clockMs;
        this.expectedStreams = expectedStreams;
        this.stopAfterSeriesEnd = stopAfterSeriesEnd;
        this.endScanner = stopAfterSeriesEnd > 0 ? new SeriesEndScanner(journals, journalSettings) : null;
    }

    @Override
    public void start() {
        // Nothing to start: polling is driven by pollNext.
    }

    @Override
    public InputStatus pollNext(ReaderOutput<String> output) {
        if (splits.isEmpty()) {
            return noMoreSplits ? InputStatus.END_OF_INPUT : scheduleNext();
        }
        long now = clockMs.getAsLong();
        if (now < nextPollMs) {
            return scheduleNext();
        }
        nextPollMs = now + pollIntervalMs;
        Path file = Path.of(splits.get(0).rulesDirectory(), RuleDocumentCodec.ACTIVE_FILE);
        try {
            String text = Files.readString(file);
            if (!text.equals(lastText)) {
                lastText = text;
                output.collect(text);
            }
        } catch (NoSuchFileException e) {
            // No active document yet: the default (keep all) applies.
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
        }
        if (endScanner != null && endScanner.allStreamsEnded(expectedStreams, stopAfterSeriesEnd)) {
            return InputStatus.END_OF_INPUT;
        }
        return scheduleNext();
    }

    private InputStatus scheduleNext() {
        long delay = Math.max(1, Math.min(pollIntervalMs, nextPollMs - clockMs.getAsLong()));
        available = new CompletableFuture<>();
        CompletableFuture<Void> f = available;
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> f.complete(null));
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public List<RuleFileSplit> snapshotState(long checkpointId) {
        return List.copyOf(splits);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<RuleFileSplit> newSplits) {
        splits.addAll(newSplits);
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void close() {
        if (endScanner != null) {
            endScanner.close();
        }
    }
}
