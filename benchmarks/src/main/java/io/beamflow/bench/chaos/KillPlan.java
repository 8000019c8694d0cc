package io.beamflow.bench.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded kill plan: which victim dies at which moment. Every victim dies at least once when there are
 * enough kills; the others go to victims drawn at random. Kills of the running processes happen when the
 * detector has sent a random number of frames, plus a random delay; the archive migrator's kills come after
 * the series closed (before, it has nothing to copy). One pipeline kill in three is followed by a second one while
 * the restarted pipeline starts (restores its snapshot, cancels a left-over job, submits), counted apart as
 * {@link #PIPELINE_STARTING}.
 */
final class KillPlan {
    /** Victims of the running phase. */
    static final String INGEST = "ingest";
    /** The pipeline process. */
    static final String PIPELINE = "pipeline";
    /** The pipeline process killed again while it starts. */
    static final String PIPELINE_STARTING = "pipeline-starting";
    /** A TaskManager of the Flink cluster (cluster mode). */
    static final String TASK_MANAGER = "taskmanager";
    /** The archive migrator. */
    static final String ARCHIVE = "archive";

    /**
     * One kill while the series is sent.
     *
     * @param atFrame      when the detector has sent this many frames
     * @param delayMs      and this much later
     * @param victim       which process
     * @param againStartMs for a pipeline: kill its next start too, this long after it (while it restores its
     *                     snapshot and submits its job); -1: no
     */
    record Kill(long atFrame, long delayMs, String victim, long againStartMs) {
    }

    private final List<Kill> running;
    private final int archiveKills;

    KillPlan(DrillSettings s, Random random) {
        List<String> victims = new ArrayList<>(s.cluster() ? List.of(INGEST, PIPELINE, TASK_MANAGER, ARCHIVE)
                : List.of(INGEST, PIPELINE, ARCHIVE));
        List<String> drawn = new ArrayList<>();
        for (int i = 0; i < s.kills(); i++) {
            drawn.add(i < victims.size() ? victims.get(i) : victims.get(random.nextInt(victims.size())));
        }
        Collections.shuffle(drawn, random);
        int archive = 0;
        List<String> live = new ArrayList<>();
        for (String v : drawn) {
            if (v.equals(ARCHIVE)) {
                archive++;
            } else {
                live.add(v);
            }
        }
        List<Long> moments = new ArrayList<>();
        long from = Math.max(1, s.frames() / 20);
        for (int i = 0; i < live.size(); i++) {
            moments.add(from + (long) (random.nextDouble() * (s.frames() - from)));
        }
        Collections.sort(moments);
        running = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            // one pipeline kill in three also kills the restarted pipeline while it starts
            long again = live.get(i).equals(PIPELINE) && random.nextInt(3) == 0 ? 300 + random.nextInt(4000) : -1;
            running.add(new Kill(moments.get(i), random.nextInt(1000), live.get(i), again));
        }
        archiveKills = archive;
    }

    /** @return the kills while the series is sent, in order */
    List<Kill> running() {
        return running;
    }

    /** @return kills of the archive migrator */
    int archiveKills() {
        return archiveKills;
    }
}
