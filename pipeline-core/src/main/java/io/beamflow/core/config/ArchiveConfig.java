package io.beamflow.core.config;

import java.util.ArrayList;
import java.util.List;

/** Archive migration settings. */
public final class ArchiveConfig {
    /** JDBC URL of the catalog; default an embedded SQLite file. */
    public String catalogUrl = "jdbc:sqlite:data/archive-catalog.db";
    /** Archive targets: {@code file:///path} or {@code http(s)://host/path} (WebDAV). */
    public List<String> targets = new ArrayList<>();
    /** Verified copies required before a file may be purged from the beamline filesystem. */
    public int requiredCopies = 2;
    /** Days a file stays on the beamline filesystem after its copies are verified. */
    public int retentionDays = 180;
    /** Beamline root to migrate from; null means the sink's {@code outputRoot}. */
    public String beamlineRoot = null;
    /** Time between passes of the migration service ({@code beamflow archive run}). */
    public long pollIntervalMs = 60_000;
    /** Transfer limit in bytes per second shared by all copies; 0 means unlimited. */
    public long throttleBytesPerSecond = 0;
    /** Files copied concurrently; each file is read once for all targets. */
    public int parallelFiles = 2;
    /**
     * Checksums computed while copying and recorded in the catalog: {@code adler32} always (dCache's checksum),
     * {@code sha-256} in addition when listed (computed on another thread, the read stays one pass).
     */
    public List<String> checksums = new ArrayList<>(List.of("adler32"));
    /** Whether {@code beamflow archive run} also purges what the policy allows after each pass. */
    public boolean purgeInService = false;
    /** Whether purge re-reads the counted archive copies right before deleting the beamline file. */
    public boolean reverifyBeforePurge = true;
    /**
     * Whether the pipeline records every series the HDF5 sink commits in the catalog ({@link #catalogUrl}):
     * beamtime, times, detector, frame accounting, rule versions, files with sizes and ADLER32.
     */
    public boolean recordSeries = true;
    /**
     * Years a non-commercial beamtime's data stay under embargo after its end when the beamtime names no embargo
     * end (what {@code beamflow catalog export} writes for a facility catalog); commercial data are never released.
     */
    public int embargoYears = 3;
    /** Timeout of WebDAV requests without a body transfer, and of connecting. */
    public long httpTimeoutMs = 30_000;
}
