package io.beamflow.reduce.flink.source.enumerator;

import io.beamflow.reduce.flink.source.split.JournalSplit;
import java.util.List;
import java.util.Set;

/**
 * Checkpointed enumerator state: streams already handed to readers (their positions live in the
 * readers' split state) and discovered splits not yet assigned.
 *
 * @param assignedStreams stream ids already assigned
 * @param pendingSplits   splits waiting for a reader
 */
public record JournalEnumeratorState(Set<String> assignedStreams, List<JournalSplit> pendingSplits) {
    /** Copies the collections. */
    public JournalEnumeratorState {
        assignedStreams = Set.copyOf(assignedStreams);
        pendingSplits = List.copyOf(pendingSplits);
    }
}
