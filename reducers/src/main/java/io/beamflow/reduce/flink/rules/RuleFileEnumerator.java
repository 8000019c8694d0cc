package io.beamflow.reduce.flink.rules;

import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/** Hands the single rule split to reader 0 (the rule source runs with parallelism 1). */
public final class RuleFileEnumerator implements SplitEnumerator<RuleFileSplit, Boolean> {
    private final SplitEnumeratorContext<RuleFileSplit> context;
    private final String rulesDirectory;
    private boolean assigned;

    RuleFileEnumerator(SplitEnumeratorContext<RuleFileSplit> context, String rulesDirectory, boolean assigned) {
        this.context = context;
        this.rulesDirectory = rulesDirectory;
        this.assigned = assigned;
    }

    @Override
    public void start() {
        // The split is assigned when reader 0 registers.
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Pushed on registration.
    }

    @Override
    public void addSplitsBack(List<RuleFileSplit> splits, int subtaskId) {
        // The reader failed; the split goes to it again when it re-registers.
        assigned = false;
        if (context.registeredReaders().containsKey(subtaskId)) {
            addReader(subtaskId);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        if (!context.registeredReaders().containsKey(subtaskId)) {
            return;
        }
        if (!assigned && subtaskId == 0) {
            context.assignSplit(new RuleFileSplit(rulesDirectory), 0);
            context.signalNoMoreSplits(0);
            assigned = true;
        } else if (subtaskId != 0) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public Boolean snapshotState(long checkpointId) {
        return assigned;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
