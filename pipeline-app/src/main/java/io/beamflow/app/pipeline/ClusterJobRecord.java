package io.beamflow.app.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job a pipeline submitted to a Flink session cluster, recorded in its checkpoint directory: a job on a
 * cluster outlives its {@code beamflow pipeline} process, so after that process crashed (SIGKILL, a lost
 * host) the next start finds the job still running and cancels it before it submits its own (two jobs would
 * write the same series, and the old one deletes the checkpoint the new one restores).
 */
final class ClusterJobRecord {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterJobRecord.class);
    /** File in the checkpoint directory: {@code <rest address> <job id>}. */
    static final String FILE = ".pipeline.job";

    private ClusterJobRecord() {
    }

    /**
     * Records the job just submitted.
     *
     * @param checkpoints the pipeline's checkpoint directory
     * @param restAddress the cluster's REST address, {@code host:port}
     * @param job         the job
     * @throws IOException when it cannot be written
     */
    static void write(Path checkpoints, String restAddress, JobID job) throws IOException {
        Path tmp = checkpoints.resolve(FILE + ".tmp");
        Files.writeString(tmp, restAddress + " " + job + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, checkpoints.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @param checkpoints the pipeline's checkpoint directory
     * @param restAddress the cluster the pipeline submits to now
     * @return the job the last pipeline submitted to that cluster, if it recorded one
     * @throws IOException when the record cannot be read
     */
    static Optional<JobID> read(Path checkpoints, String restAddress) throws IOException {
        Path file = checkpoints.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+");
        if (parts.length != 2 || !parts[0].equals(restAddress)) {
            return Optional.empty();
        }
        return Optional.of(JobID.fromHexString(parts[1]));
    }

    /**
     * Cancels the job the previous pipeline left on the cluster, if it still runs, and waits until it ended;
     * its last checkpoint is kept, and the new job continues from it.
     *
     * @param conf        the client configuration (with the user's Flink options, e.g. SSL)
     * @param checkpoints the pipeline's checkpoint directory
     * @param restAddress the cluster's REST address, {@code host:port}
     * @param timeout     how long the cancellation may take
     * @return the job cancelled, if there was one running
     * @throws Exception when the cluster cannot be asked or the job does not end in time
     */
    static Optional<JobID> cancelLeftOver(Configuration conf, Path checkpoints, String restAddress, Duration timeout)
            throws Exception {
        Optional<JobID> recorded = read(checkpoints, restAddress);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        JobID job = recorded.get();
        int colon = restAddress.lastIndexOf(':');
        Configuration c = new Configuration(conf);
        c.set(RestOptions.ADDRESS, restAddress.substring(0, colon));
        c.set(RestOptions.PORT, Integer.parseInt(restAddress.substring(colon + 1)));
        try (RestClusterClient<StandaloneClusterId> client = new RestClusterClient<>(c,
                StandaloneClusterId.getInstance())) {
            JobStatus status;
            try {
                status = client.getJobStatus(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException unknown) {
                LOG.info("the job {} of the previous pipeline is not known to the cluster ({})", job,
                        unknown.getCause() == null ? unknown : unknown.getCause().toString());
                return Optional.empty();
            }
            if (status.isGloballyTerminalState()) {
                return Optional.empty();
            }
            LOG.warn("the job {} of a previous pipeline still runs on the cluster at {} ({}): cancelling it; this "
                    + "pipeline continues from its last checkpoint", job, restAddress, status);
            client.cancel(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!client.getJobStatus(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS).isGloballyTerminalState()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the job " + job + " of a previous pipeline did not end within "
                            + timeout + " after it was cancelled");
                }
                Thread.sleep(100);
            }
            return Optional.of(job);
        }
    }
}
