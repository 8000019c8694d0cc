package io.beamflow.app.pipeline;

import io.beamflow.app.catalog.CatalogRecording;
import io.beamflow.app.control.ControlServer;
import io.beamflow.app.control.LiveViewAccess;
import io.beamflow.app.control.SeriesControl;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.reduce.flink.ReductionJob;
import io.beamflow.reduce.rules.RuleCompiler;
import io.beamflow.sink.hdf5.ChunkPrecompression;
import io.beamflow.sink.hdf5.Hdf5Sink;
import io.beamflow.sink.hdf5.Hdf5SinkSettings;
import io.beamflow.sink.live.LiveViewEndpoints;
import io.beamflow.sink.live.LiveViewSink;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reduction job with the HDF5 sink and the live view, unbounded, on an embedded Flink
 * MiniCluster or, with {@code reduction.flinkRestAddress}, on a Flink session cluster (the job takes
 * Beamflow's jars along, see {@link JobJars}), next to ingest nodes that run as their own processes ({@code beamflow ingest}); the
 * job reads their journals in this host's {@code ingest.journalDirectory} or, with
 * {@code reduction.journalServers}, through their journal servers. Optionally serves the control API
 * and dashboard.
 *
 * <p>The job continues where the previous one stopped: it starts from the newest complete snapshot under
 * {@code reduction.checkpointDirectory}, a savepoint from {@link #stop(Duration)} or, after a crash, the
 * last checkpoint (checkpoints are kept when a job ends), so a restart neither loses nor repeats a frame.
 * Older snapshots are deleted once a newer one was chosen.
 */
public final class PipelineRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
    /** Held by the running pipeline in its checkpoint directory. */
    static final String LOCK_FILE = ".pipeline.lock";

    private final JobClient job;
    private final ControlServer control;
    private final SnapshotDirectory snapshots;
    private final Optional<Path> restoredFrom;
    private final FileChannel lock;

    private PipelineRunner(JobClient job, ControlServer control, SnapshotDirectory snapshots,
            Optional<Path> restoredFrom, FileChannel lock) {
        this.job = job;
        this.control = control;
        this.snapshots = snapshots;
        this.restoredFrom = restoredFrom;
        this.lock = lock;
    }

    /**
     * Submits the job (restoring the newest snapshot, if any) and starts the control server.
     *
     * @param config        configuration; {@code reduction.stopAfterSeriesEnd} must be 0 (the job runs until stopped)
     * @param registry      registry for the control server's {@code /metrics}; it must be in Micrometer's global
     *                      registry for Flink's metrics to show there
     * @param controlServer whether to serve the control API, dashboard and metrics
     * @return the running pipeline
     * @throws Exception when the job cannot be submitted or the server cannot start
     */
    public static PipelineRunner start(BeamflowConfig config, PrometheusMeterRegistry registry, boolean controlServer)
            throws Exception {
        if (config.reduction.stopAfterSeriesEnd != 0) {
            throw new IllegalArgumentException("reduction.stopAfterSeriesEnd must be 0 for a pipeline that runs until "
                    + "stopped, was " + config.reduction.stopAfterSeriesEnd);
        }
        SnapshotDirectory snapshots = new SnapshotDirectory(Path.of(config.reduction.checkpointDirectory));
        FileChannel lock = lock(snapshots.checkpoints());
        ControlServer server = null;
        String remote = config.reduction.flinkRestAddress.strip();
        try {
            if (!remote.isEmpty()) {
                // a crashed pipeline's job still runs on the cluster: it ends first, its last checkpoint is restored
                ClusterJobRecord.cancelLeftOver(FlinkUserOptions.apply(new Configuration(),
                        config.reduction.flinkConfiguration), snapshots.checkpoints(), remote, Duration.ofMinutes(2))
                        .ifPresent(j -> LOG.info("cancelled job {} of the previous pipeline", j));
            }
            Optional<Path> restore = snapshots.newest();
            if (restore.isPresent()) {
                for (Path old : snapshots.deleteAllBut(restore.get())) {
                    LOG.info("deleted superseded snapshot {}", old);
                }
            }
            server = controlServer ? ControlServer.start(config, registry, new RuleCompiler(), SeriesControl.NONE) : null;
            StreamExecutionEnvironment env = environment(config, snapshots, restore);
            buildJob(env, config);
            JobClient job = env.executeAsync("beamflow-pipeline");
            if (!remote.isEmpty()) {
                ClusterJobRecord.write(snapshots.checkpoints(), remote, job.getJobID());
            }
            LOG.info("job {} submitted{}", job.getJobID(), restore.map(p -> ", restored from " + p).orElse(""));
            return new PipelineRunner(job, server, snapshots, restore, lock);
        } catch (Exception | Error e) {
            if (server != null) {
                server.close();
            }
            lock.close();
            throw e;
        }
    }

    /**
     * Takes the checkpoint directory for this process: a second pipeline on the same snapshots would delete
     * the first one's and write the same series.
     */
    private static FileChannel lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            held = null;
        }
        if (held == null) {
            channel.close();
            String owner = Files.readString(file).strip();
            throw new IllegalStateException("another beamflow pipeline (" + (owner.isEmpty() ? "unknown process" : owner)
                    + ") uses the checkpoint directory " + dir + "; stop it first");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
                0);
        return channel;
    }

    /**
     * Adds Beamflow's whole job to an environment: the reduction ({@link ReductionJob}), the HDF5 sink (recording
     * each committed series in the catalog unless {@code archive.recordSeries} is off) and,
     * when {@code control.liveViewEndpoint} is set, the live view with its own live path (fresh frames at about
     * twice the live view's rate, reduced apart from the record path, so that the live view stays fresh when the
     * record path lags).
     *
     * @param env    where the job goes
     * @param config configuration
     */
    public static void buildJob(StreamExecutionEnvironment env, BeamflowConfig config) {
        boolean liveView = !config.control.liveViewEndpoint.isEmpty();
        double maxRate = config.control.liveViewMaxRateHz;
        // twice the publish rate, so that a fresh image is always at hand; a rate <= 0 publishes every frame
        double liveRate = !liveView ? 0 : maxRate <= 0 ? Double.POSITIVE_INFINITY : 2 * maxRate;
        // the sink's compression runs in the reduction subtasks; raw pixels travel on only where the live view
        // takes its images from the record path
        boolean recordPathImages = liveView && !ReductionJob.supportsLivePath(config);
        ReductionJob.Streams results = ReductionJob.build(env, config, liveRate,
                new ChunkPrecompression(config.sink, recordPathImages));
        // every committed series is recorded in the catalog by the committer's listener, off the frame path
        results.record().sinkTo(new Hdf5Sink(Hdf5SinkSettings.of(config.sink, config.reduction.assembly), CatalogRecording.of(config)))
                .name("hdf5-sink").uid("hdf5-sink");
        if (liveView) {
            LiveViewSink.attach(results.record(), results.live(), config.control,
                    LiveViewAccess.authenticator(config));
        }
    }

    private static StreamExecutionEnvironment environment(BeamflowConfig config, SnapshotDirectory snapshots,
            Optional<Path> restore) {
        String remote = config.reduction.flinkRestAddress.strip();
        Configuration conf = remote.isEmpty() ? EmbeddedCluster.configuration(config)
                : FlinkUserOptions.apply(new Configuration(), config.reduction.flinkConfiguration);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, snapshots.checkpoints().toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, snapshots.savepoints().toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        restore.ifPresent(p -> {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString());
            // The job owns the snapshot it starts from and deletes it once a newer checkpoint subsumes it.
            conf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
        });
        StreamExecutionEnvironment env;
        if (remote.isEmpty()) {
            env = StreamExecutionEnvironment.createLocalEnvironment(config.reduction.effectiveParallelism(), conf);
        } else {
            if (LiveViewEndpoints.hasWildcardPort(config.control.liveViewEndpoint)) {
                throw new IllegalArgumentException("control.liveViewEndpoint '" + config.control.liveViewEndpoint
                        + "' needs a fixed port with a session cluster (reduction.flinkRestAddress): the live view is "
                        + "published by a TaskManager, and only subscribers in its own process can find a port the "
                        + "system chose");
            }
            int colon = remote.lastIndexOf(':');
            if (colon <= 0 || colon == remote.length() - 1) {
                throw new IllegalArgumentException("reduction.flinkRestAddress must be host:port, was '" + remote + "'");
            }
            List<Path> jars = config.reduction.jobJars.isEmpty()
                    ? JobJars.shippable(System.getProperty("java.class.path"))
                    : config.reduction.jobJars.stream().map(Path::of).toList();
            LOG.info("submitting to the Flink cluster at {} with {} jars", remote, jars.size());
            env = StreamExecutionEnvironment.createRemoteEnvironment(remote.substring(0, colon),
                    Integer.parseInt(remote.substring(colon + 1)), conf,
                    jars.stream().map(Path::toString).toArray(String[]::new));
            env.setParallelism(config.reduction.effectiveParallelism());
        }
        env.enableCheckpointing(config.reduction.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    /** @return the snapshot the job started from; empty for a first start */
    public Optional<Path> restoredFrom() {
        return restoredFrom;
    }

    /** @return the running job's id */
    public JobID jobId() {
        return job.getJobID();
    }

    /**
     * @return the job's state
     * @throws Exception when it cannot be asked
     */
    public JobStatus status() throws Exception {
        return job.getJobStatus().get(10, TimeUnit.SECONDS);
    }

    /** @return the control server's address, empty when none runs */
    public Optional<URI> controlUrl() {
        return Optional.ofNullable(control).map(ControlServer::url);
    }

    /** @return the snapshots this job writes and restores from */
    public SnapshotDirectory snapshots() {
        return snapshots;
    }

    /**
     * Stops the job with a savepoint: the sources stop, every record read so far goes through, the HDF5
     * sink commits the files it completed (files of a series still open stay in progress, their state in the
     * savepoint), and the next start continues from the savepoint.
     *
     * @param timeout how long the savepoint and the job's end may take
     * @return the savepoint directory
     * @throws Exception when the savepoint fails (the job's checkpoints stay, so the next start still
     *                   continues from the last one)
     */
    public Path stop(Duration timeout) throws Exception {
        try {
            String location = job.stopWithSavepoint(false, snapshots.savepoints().toUri().toString(),
                    SavepointFormatType.CANONICAL).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            job.getJobExecutionResult().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Path savepoint = Path.of(URI.create(location.startsWith("file:") ? location : "file:" + location));
            LOG.info("job {} stopped with savepoint {}", job.getJobID(), savepoint);
            return savepoint;
        } finally {
            closeControl();
        }
    }

    /**
     * Cancels the job without a savepoint, as a crash would end it: files not yet committed by a checkpoint
     * stay in progress and the next start continues from the last completed checkpoint.
     *
     * @param timeout how long the cancellation may take
     * @throws Exception when the job does not end in time
     */
    public void cancel(Duration timeout) throws Exception {
        try {
            job.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            closeControl();
        }
    }

    /** Cancels the job if it still runs (see {@link #cancel(Duration)}) and stops the control server. */
    @Override
    public void close() {
        try {
            if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not cancel job {}: {}", job.getJobID(), e.toString());
        } finally {
            closeControl();
        }
    }

    private void closeControl() {
        if (control != null) {
            control.close();
        }
        try {
            lock.close(); // releases the checkpoint directory
        } catch (IOException e) {
            LOG.warn("cannot release {}: {}", snapshots.checkpoints().resolve(LOCK_FILE), e.toString());
        }
    }
}
