package io.beamflow.bench.chaos;

import java.nio.file.Path;

/**
 * What one drill does.
 *
 * @param work             working directory (journal, checkpoints, files, archive, logs); created
 * @param frames           frames of the one series sent
 * @param kills            SIGKILLs in all (ingest node, pipeline, TaskManagers in cluster mode, archive migrator)
 * @param seed             seed of the random kill moments and victims
 * @param cluster          whether the pipeline runs on a Flink cluster of a JobManager and two TaskManagers
 *                         (else on its embedded MiniCluster)
 * @param width            frame width (uint16 pixels)
 * @param height           frame height
 * @param rateHz           frames per second the detector sends (first sending; re-sends go at full speed)
 * @param framesPerFile    frames per data file
 * @param archiveSeconds   about how long one uninterrupted migration should take (the archive is throttled
 *                         to that), so that its kills land while it copies
 * @param waitMinutes      how long the series may take to close after the last frame was sent
 * @param keepQueue        whether the detector keeps the messages it queued for a node that died (JeroMQ then
 *                         delivers them to the restarted node; a known way to lose the frame that was in flight,
 *                         see {@code benchmarks/RESULTS.md}); by default it drops them when the node dies
 */
record DrillSettings(Path work, int frames, int kills, long seed, boolean cluster, int width, int height,
        double rateHz, int framesPerFile, double archiveSeconds, int waitMinutes, boolean keepQueue) {

    /** @return the series id */
    String series() {
        return "chaos-" + seed;
    }

    /** @return bytes of one frame's pixels */
    long frameBytes() {
        return 2L * width * height;
    }
}
