package io.beamflow.ingest.retention;

import io.beamflow.core.journal.CheckpointedIndexFile;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.ObjLongConsumer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal bounded: polls the indices the Flink source publishes when a checkpoint completes
 * ({@link CheckpointedIndexFile}) and releases the journal cycles below them, so a cycle is deleted only
 * once a completed checkpoint covers it.
 */
public final class CheckpointReleaseAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointReleaseAgent.class);

    private final String journalDirectory;
    private final List<String> streamIds;
    private final ObjLongConsumer<String> release;
    private final EpochClock clock;
    private final long pollIntervalMs;
    private final long[] released;
    private long nextPollMs;
    private long lastWarningMs = Long.MIN_VALUE;

    /**
     * @param journalDirectory the ingest node's journal directory
     * @param streamIds        its streams
     * @param release          releases a stream's journal below an index
     * @param clock            time source (tests drive it by hand)
     * @param pollIntervalMs   how often the published indices are read
     */
    public CheckpointReleaseAgent(String journalDirectory, List<String> streamIds, ObjLongConsumer<String> release,
            EpochClock clock, long pollIntervalMs) {
        this.journalDirectory = journalDirectory;
        this.streamIds = List.copyOf(streamIds);
        this.release = release;
        this.clock = clock;
        this.pollIntervalMs = pollIntervalMs;
        this.released = new long[streamIds.size()];
        Arrays.fill(released, -1);
    }

    @Override
    public int doWork() {
        long now = clock.time();
        if (now < nextPollMs) {
            return 0;
        }
        nextPollMs = now + pollIntervalMs;
        int work = 0;
        for (int i = 0; i < streamIds.size(); i++) {
            String id = streamIds.get(i);
            long index;
            try {
                index = CheckpointedIndexFile.read(journalDirectory, id);
            } catch (IOException | NumberFormatException e) {
                if (now - lastWarningMs >= 60_000) {
                    lastWarningMs = now;
                    LOG.warn("cannot read the checkpointed index of stream {}: {} (journal kept)", id, e.toString());
                }
                continue;
            }
            if (index > released[i]) {
                release.accept(id, index);
                released[i] = index;
                work++;
            }
        }
        return work;
    }

    @Override
    public String roleName() {
        return "checkpoint-release";
    }
}
