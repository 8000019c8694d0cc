package io.beamflow.core.beamtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Beamtimes are validated, never overlap on a beamline, survive a restart and a torn line, and close. */
class BeamtimeStoreTest {
    @TempDir
    Path dir;

    static Beamtime bt(String id, String beamline, String start, String end) {
        return new Beamtime(id, beamline, "PETRA III", "I-2026", "alice", List.of("alice", "bob"), "bt11012345",
                start, end, false, "2029-01-01", "");
    }

    @Test
    void shouldRefuseInvalidFieldsNamingEach() {
        BeamtimeStore store = new BeamtimeStore(dir.resolve("beamtimes.jsonl"));
        Beamtime bad = new Beamtime("../etc", "p11/..", "", "x", "Alice;rm", List.of("bob", "u:eve:rwx"), "a b",
                "yesterday", "2026-01-01T00:00:00Z", false, "soon", "");
        List<String> problems = store.open(bad);
        for (String field : List.of("id:", "beamline:", "facility:", "pi:", "group:", "participants:", "start:",
                "embargoEnd:")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(field)), field + " in " + problems);
        }
        assertEquals(List.of(), store.list(), "nothing stored");
        assertTrue(store.open(bt("11012345", "p11", "2026-11-27T00:00:00Z", "2026-11-26T00:00:00Z")).stream()
                .anyMatch(p -> p.startsWith("end:")));
    }

    @Test
    void shouldRefuseAnOverlappingOpenBeamtimeOnTheSameBeamlineOnly() {
        BeamtimeStore store = new BeamtimeStore(dir.resolve("beamtimes.jsonl"));
        assertEquals(List.of(), store.open(bt("11012345", "p11", "2026-11-26T08:00:00Z", "2026-11-28T08:00:00Z")));
        List<String> overlap = store.open(bt("11012346", "p11", "2026-11-27T08:00:00Z", "2026-11-29T08:00:00Z"));
        assertEquals(1, overlap.size(), overlap.toString());
        assertTrue(overlap.get(0).contains("overlaps open beamtime 11012345"), overlap.toString());
        assertEquals(List.of(), store.open(bt("11012347", "p12", "2026-11-27T08:00:00Z", "2026-11-29T08:00:00Z")));
        assertEquals(List.of(), store.open(bt("11012348", "p11", "2026-11-28T08:00:00Z", "2026-11-29T08:00:00Z")),
                "back to back is no overlap");
        assertTrue(store.open(bt("11012345", "p13", "2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z")).get(0)
                .contains("exists already"));
        store.close("11012345", Instant.parse("2026-11-27T00:00:00Z"));
        assertEquals(List.of(), store.open(bt("11012349", "p11", "2026-11-27T08:00:00Z", "2026-11-28T08:00:00Z")),
                "a closed beamtime no longer blocks its slot");
    }

    @Test
    void shouldFindTheBeamtimeOpenAtASeriesStartAndSurviveARestart() throws Exception {
        Path file = dir.resolve("store/beamtimes.jsonl");
        BeamtimeStore store = new BeamtimeStore(file);
        store.open(bt("11012345", "p11", "2026-11-26T08:00:00Z", "2026-11-28T08:00:00Z"));
        Instant during = Instant.parse("2026-11-27T00:00:00Z");
        assertEquals("11012345", store.at("p11", during).orElseThrow().id());
        assertTrue(store.at("p12", during).isEmpty(), "other beamline");
        assertTrue(store.at("p11", Instant.parse("2026-11-28T08:00:00Z")).isEmpty(), "end is exclusive");

        // a crash tore a line: it is skipped, the next append starts on its own line
        Files.writeString(file, "{\"id\":\"torn", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        BeamtimeStore reader = new BeamtimeStore(file); // e.g. the sink, in another process
        assertEquals(1, reader.list().size());
        Beamtime closed = store.close("11012345", Instant.parse("2026-11-27T12:00:00Z"));
        assertFalse(closed.isOpen());
        assertTrue(reader.at("p11", Instant.parse("2026-11-27T13:00:00Z")).isEmpty(), "the reader follows the file");
        assertEquals("11012345", reader.at("p11", during).orElseThrow().id(), "series before the close still belong");
        BeamtimeStore reopened = new BeamtimeStore(file);
        assertEquals("2026-11-27T12:00:00Z", reopened.find("11012345").orElseThrow().closedAt());
        assertThrows(IllegalStateException.class, () -> reopened.close("11012345", Instant.now()));
        assertThrows(NoSuchElementException.class, () -> reopened.close("nope", Instant.now()));
    }
}
