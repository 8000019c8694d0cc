package io.beamflow.ingest.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.journal.CheckpointedIndexFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointReleaseAgentTest {
    @TempDir
    Path journals;

    private long nowMs = 1_000;
    private final List<String> releases = new ArrayList<>();

    private CheckpointReleaseAgent agent() {
        return new CheckpointReleaseAgent(journals.toString(), List.of("a", "b"),
                (stream, index) -> releases.add(stream + "<" + index), () -> nowMs, 500);
    }

    @Test
    void shouldReleaseOnlyWhatACompletedCheckpointPublishedAndOnlyOnce() throws Exception {
        CheckpointReleaseAgent agent = agent();
        assertEquals(0, agent.doWork(), "nothing published yet: nothing released");
        CheckpointedIndexFile published = new CheckpointedIndexFile(journals.toString());
        published.publish("a", 42);
        nowMs += 100;
        assertEquals(0, agent.doWork(), "polls at most once per interval");
        nowMs += 500;
        assertEquals(1, agent.doWork());
        assertEquals(List.of("a<42"), releases);
        nowMs += 500;
        assertEquals(0, agent.doWork(), "same index is not released twice");
        published.publish("a", 80);
        published.publish("b", 7);
        nowMs += 500;
        assertEquals(2, agent.doWork());
        assertEquals(List.of("a<42", "a<80", "b<7"), releases);
    }

    @Test
    void shouldKeepTheJournalWhenThePublishedIndexIsUnreadable() throws Exception {
        Files.createDirectories(journals.resolve(CheckpointedIndexFile.DIRECTORY));
        Files.writeString(journals.resolve(CheckpointedIndexFile.DIRECTORY).resolve("a"), "not-a-number");
        CheckpointReleaseAgent agent = agent();
        assertEquals(0, agent.doWork());
        assertEquals(List.of(), releases);
    }
}
