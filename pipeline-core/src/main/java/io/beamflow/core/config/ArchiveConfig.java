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
}
