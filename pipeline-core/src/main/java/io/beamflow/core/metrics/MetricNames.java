package io.beamflow.core.metrics;

/** Names of Beamflow's Micrometer meters, shared by all modules so dashboards can rely on them. */
public final class MetricNames {
    /** Frames accepted and journaled by an ingest node (tags: stream, series). */
    public static final String INGEST_FRAMES = "beamflow.ingest.frames";
    /** Payload bytes accepted by an ingest node. */
    public static final String INGEST_BYTES = "beamflow.ingest.bytes";
    /** Messages rejected by an ingest node (tag: reason). */
    public static final String INGEST_REJECTED = "beamflow.ingest.rejected";
    /**
     * Message parts dropped because they belong to a message cut off for exceeding the parts or bytes
     * per message (the message itself is counted once in {@link #INGEST_REJECTED}, reason
     * {@code MESSAGE_TOO_LARGE}; tag stream).
     */
    public static final String INGEST_DISCARDED_PARTS = "beamflow.ingest.discarded.parts";
    /** Frames missing from a series (gaps in frame numbers). */
    public static final String INGEST_GAPS = "beamflow.ingest.gaps";
    /** Times the ingest node stopped reading because the journal volume was full. */
    public static final String INGEST_BACKPRESSURE = "beamflow.ingest.backpressure";
    /** Peer connections dropped on an ingest endpoint (a sender closing, or a message part over the size limit). */
    public static final String INGEST_DISCONNECTS = "beamflow.ingest.disconnects";
    /** Bytes used by the journal on disk. */
    public static final String JOURNAL_BYTES = "beamflow.journal.bytes";
    /** Counter: direct receive buffers allocated because the stream's pool had none idle (tag stream). */
    public static final String INGEST_RECEIVE_BUFFERS_ALLOCATED = "beamflow.ingest.receive.buffers.allocated";
    /**
     * Counter: times the stream's receive memory was used up and the node stopped reading its socket until
     * the journal released a buffer (tag stream); {@link #INGEST_RECEIVE_MEMORY_WAIT} gives the time.
     */
    public static final String INGEST_RECEIVE_MEMORY_WAITS = "beamflow.ingest.receive.memory.waits";
    /** Counter (seconds): time the stream's socket was not read because its receive memory was used up. */
    public static final String INGEST_RECEIVE_MEMORY_WAIT = "beamflow.ingest.receive.memory.wait";
    /** Counter: receive buffers allocated over the stream's receive memory after the longest wait (tag stream). */
    public static final String INGEST_RECEIVE_MEMORY_OVER_BUDGET = "beamflow.ingest.receive.memory.over.budget";
    /** Frames processed by a reduction stage (tag: stage). */
    public static final String STAGE_FRAMES = "beamflow.stage.frames";
    /** Frames written to HDF5. */
    public static final String SINK_FRAMES_WRITTEN = "beamflow.sink.frames.written";
    /** Frames vetoed by a rule (tag: rule version). */
    public static final String FRAMES_VETOED = "beamflow.frames.vetoed";

    /** Live-view messages published. */
    public static final String LIVE_PUBLISHED = "beamflow.live.published";
    /** Frames not put on the live view because of its rate limit. */
    public static final String LIVE_SKIPPED = "beamflow.live.skipped";
    /** Counter: attempts to bind the live-view endpoint that failed (the record path goes on without it). */
    public static final String LIVE_BIND_FAILURES = "beamflow.live.bind.failures";
    /** Live-view subscribers refused by ZAP (tag: reason: unknown_user, wrong_password, not_plain). */
    public static final String LIVE_AUTH_REFUSED = "beamflow.live.auth.refused";
    /** Time from ingest receive to a stage, per frame (tag: stage); a distribution (histogram). */
    public static final String PIPELINE_LATENCY = "beamflow.pipeline.latency";
    /** Gauge: frames of the series shown on the live view not yet through the record path. */
    public static final String RECORD_BEHIND_FRAMES = "beamflow.record.behind.frames";
    /** Gauge: age of the record path's newest frame when it passed the decision, seconds. */
    public static final String RECORD_BEHIND_SECONDS = "beamflow.record.behind.seconds";
    /** Gauge: estimated seconds until the record path has caught up (-1: not gaining on the detector). */
    public static final String RECORD_CATCH_UP_SECONDS = "beamflow.record.catchup.seconds";
    /** Frames waiting in front of a stage (tag: stage). */
    public static final String STAGE_BACKLOG = "beamflow.stage.backlog";
    /** Age of the last completed checkpoint, seconds. */
    public static final String CHECKPOINT_AGE = "beamflow.checkpoint.age";
    /** Control API requests refused (tag: reason). */
    public static final String CONTROL_REJECTED = "beamflow.control.rejected";
    /** Bearer tokens (OIDC JWTs) refused by the control API (tag: reason, e.g. expired, wrong_audience). */
    public static final String CONTROL_TOKEN_REJECTED = "beamflow.control.token.rejected";
    /** Rule versions activated through the control API (tag: action). */
    public static final String RULE_ACTIVATIONS = "beamflow.rules.activations";
    /** Bytes written to archive targets. */
    public static final String ARCHIVE_BYTES = "beamflow.archive.bytes";
    /** Archive copies checked (tags: op = migrate/verify/purge/restore, state = VERIFIED/CORRUPT/MISSING/FAILED). */
    public static final String ARCHIVE_COPIES = "beamflow.archive.copies";
    /** Archive operations that failed or were refused (tag: op). */
    public static final String ARCHIVE_ERRORS = "beamflow.archive.errors";
    /** Files removed from the beamline filesystem after their archive policy was met. */
    public static final String ARCHIVE_PURGED = "beamflow.archive.purged";

    private MetricNames() {
    }
}
