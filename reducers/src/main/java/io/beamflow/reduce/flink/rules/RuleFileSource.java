package io.beamflow.reduce.flink.rules;

import io.beamflow.reduce.flink.source.JournalLocations;
import io.beamflow.reduce.flink.source.JournalSettings;
import java.io.IOException;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * FLIP-27 source of rule documents: the text of the active-rules file each time it changes. Run it
 * with parallelism 1 and broadcast its output. Bounded exactly when the journal source is bounded.
 */
public final class RuleFileSource implements Source<String, RuleFileSplit, Boolean> {
    private static final long serialVersionUID = 1L;

    private final String rulesDirectory;
    private final long pollIntervalMs;
    private final JournalLocations journals;
    private final int expectedStreams;
    private final int stopAfterSeriesEnd;
    private final JournalSettings journalSettings;

    /**
     * @param rulesDirectory     directory holding {@code active.json}
     * @param pollIntervalMs     poll period
     * @param journals           where the journals are (bounded mode: watched for the final SERIES_ENDs)
     * @param expectedStreams    bounded mode: streams to wait for
     * @param stopAfterSeriesEnd bounded mode: SERIES_END records per stream (0: unbounded)
     * @param journalSettings    journal layout
     */
    public RuleFileSource(String rulesDirectory, long pollIntervalMs, JournalLocations journals, int expectedStreams,
            int stopAfterSeriesEnd, JournalSettings journalSettings) {
        this.journalSettings = journalSettings;
        this.rulesDirectory = rulesDirectory;
        this.pollIntervalMs = pollIntervalMs;
        this.journals = journals;
        this.expectedStreams = expectedStreams;
        this.stopAfterSeriesEnd = stopAfterSeriesEnd;
    }

    @Override
    public Boundedness getBoundedness() {
        return stopAfterSeriesEnd > 0 ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<String, RuleFileSplit> createReader(SourceReaderContext readerContext) {
        return new RuleFileReader(pollIntervalMs, journals, expectedStreams, stopAfterSeriesEnd,
                journalSettings);
    }

    @Override
    public SplitEnumerator<RuleFileSplit, Boolean> createEnumerator(SplitEnumeratorContext<RuleFileSplit> context) {
        return new RuleFileEnumerator(context, rulesDirectory, false);
    }

    @Override
    public SplitEnumerator<RuleFileSplit, Boolean> restoreEnumerator(SplitEnumeratorContext<RuleFileSplit> context,
            Boolean assigned) {
        return new RuleFileEnumerator(context, rulesDirectory, assigned);
    }

    @Override
    public SimpleVersionedSerializer<RuleFileSplit> getSplitSerializer() {
        return new RuleFileSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Boolean> getEnumeratorCheckpointSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Boolean b) throws IOException {
                return new byte[] {(byte) (b ? 1 : 0)};
            }

            @Override
            public Boolean deserialize(int version, byte[] serialized) {
                return serialized.length > 0 && serialized[0] != 0;
            }
        };
    }
}
