package io.beamflow.reduce.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beamflow.reduce.flink.source.JournalLocations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;

/** The rule source's split and enumerator state as version 1 wrote them. */
class RuleSourceStateTest {
    private final RuleFileSource source = new RuleFileSource("/data/rules", 200, JournalLocations.local("/data/j"),
            0, 0, null);

    @Test
    void shouldRestoreARuleSplitWrittenByVersion1() throws IOException {
        SimpleVersionedSerializer<RuleFileSplit> s = source.getSplitSerializer();
        byte[] v1 = "/data/rules".getBytes(StandardCharsets.UTF_8); // version 1: the directory as UTF-8
        assertEquals(new RuleFileSplit("/data/rules"), s.deserialize(1, v1));
        assertEquals(new RuleFileSplit("/data/rules"), s.deserialize(s.getVersion(), s.serialize(
                new RuleFileSplit("/data/rules"))));
        assertThrows(IOException.class, () -> s.deserialize(99, v1));
    }

    @Test
    void shouldRestoreTheEnumeratorStateWrittenByVersion1() throws IOException {
        SimpleVersionedSerializer<Boolean> s = source.getEnumeratorCheckpointSerializer();
        assertEquals(true, s.deserialize(1, new byte[] {1}), "version 1: one byte, 1 when the split was assigned");
        assertEquals(false, s.deserialize(1, new byte[] {0}));
        assertEquals(true, s.deserialize(s.getVersion(), s.serialize(true)));
    }
}
