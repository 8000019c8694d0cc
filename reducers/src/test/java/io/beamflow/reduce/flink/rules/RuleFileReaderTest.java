package io.beamflow.reduce.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.reduce.flink.source.JournalLocations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule file reader driven by hand with an injected clock: it reads the file once per poll interval. */
class RuleFileReaderTest {
    @TempDir
    Path rules;

    /** Collects what the reader emits. */
    static final class Collected implements ReaderOutput<String> {
        final List<String> texts = new ArrayList<>();

        @Override
        public void collect(String record) {
            texts.add(record);
        }

        @Override
        public void collect(String record, long timestamp) {
            texts.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }

        @Override
        public SourceOutput<String> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
        }
    }

    @Test
    void shouldEmitAChangedRuleFileOncePerPollIntervalAndNeverTheSameTextTwice() throws Exception {
        AtomicLong nowMs = new AtomicLong(1_000);
        RuleFileReader reader = new RuleFileReader(200, JournalLocations.local(rules.toString()), 0, 0, null,
                nowMs::get);
        reader.addSplits(List.of(new RuleFileSplit(rules.toString())));
        Collected out = new Collected();
        reader.pollNext(out); // no file yet: the default applies, nothing emitted
        assertEquals(List.of(), out.texts);

        Path active = rules.resolve(RuleDocumentCodec.ACTIVE_FILE);
        Files.writeString(active, "{\"version\":1}");
        reader.pollNext(out);
        assertEquals(List.of(), out.texts, "read again only after the poll interval");
        nowMs.addAndGet(200);
        reader.pollNext(out);
        assertEquals(List.of("{\"version\":1}"), out.texts);

        nowMs.addAndGet(200);
        reader.pollNext(out);
        assertEquals(1, out.texts.size(), "the same text is not emitted again");

        Files.writeString(active, "{\"version\":2}");
        nowMs.addAndGet(199);
        reader.pollNext(out);
        assertEquals(1, out.texts.size());
        nowMs.addAndGet(1);
        reader.pollNext(out);
        assertEquals(List.of("{\"version\":1}", "{\"version\":2}"), out.texts);
        reader.close();
    }
}
