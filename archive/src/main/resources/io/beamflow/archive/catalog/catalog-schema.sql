-- Beamflow archive catalog, schema version 3. Portable SQL: the same statements run on SQLite (default,
-- embedded) and PostgreSQL (shared deployments). Statements are separated by ';' at line ends.
-- Version 1 (before archive_schema existed) had sha256 NOT NULL; ArchiveCatalog migrates it in place.
-- Version 2 had no series catalog (catalog_series, catalog_series_file); opening it adds them.

-- One row per file of the beamline filesystem, keyed by its path relative to the beamline root.
-- adler32 is always recorded (dCache's checksum); sha256 only when the archive is configured for it.
CREATE TABLE IF NOT EXISTS archive_file (
    path            VARCHAR(1024) NOT NULL PRIMARY KEY,
    series          VARCHAR(512)  NOT NULL,
    size_bytes      BIGINT        NOT NULL,
    adler32         CHAR(8)       NOT NULL,
    sha256          CHAR(64),
    source_mtime_ms BIGINT        NOT NULL,
    registered_ms   BIGINT        NOT NULL,
    purged_ms       BIGINT
);

CREATE INDEX IF NOT EXISTS archive_file_series ON archive_file (series);

-- One row per (file, target): the state of that copy. first_verified_ms is when the copy was first
-- found to match (the retention clock); it is cleared when the copy is found corrupt or missing.
-- verify_method says how the last check was made: readback:o_direct (read back bypassing the page
-- cache), readback:page-cache (the target refused O_DIRECT; detail says why), readback:http, digest:adler32
-- (the server's checksum), or readback (version 1 catalogs: through the page cache).
CREATE TABLE IF NOT EXISTS archive_copy (
    path              VARCHAR(1024) NOT NULL,
    target            VARCHAR(1024) NOT NULL,
    state             VARCHAR(16)   NOT NULL,
    first_verified_ms BIGINT,
    last_checked_ms   BIGINT        NOT NULL,
    verify_method     VARCHAR(64),
    detail            VARCHAR(2048),
    PRIMARY KEY (path, target)
);

-- One row per series the HDF5 sink committed (recorded at its master file's commit, upserted: a replayed
-- commit records the same row again). series_key is the series directory relative to the beamline root, as
-- archive_file.series; times are ISO-8601 as the master file says; rule_versions is a JSON object
-- "<decision> <rule>@v<version>" -> frames; committed_ms is when it was first recorded, recorded_ms the last.
CREATE TABLE IF NOT EXISTS catalog_series (
    series_key          VARCHAR(512) NOT NULL PRIMARY KEY,
    beamtime            VARCHAR(64)  NOT NULL,
    series_id           VARCHAR(64)  NOT NULL,
    start_time          VARCHAR(64)  NOT NULL,
    end_time            VARCHAR(64)  NOT NULL,
    detector            TEXT         NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    frames_received     BIGINT       NOT NULL,
    frames_kept         BIGINT       NOT NULL,
    frames_reduced_only BIGINT       NOT NULL,
    frames_vetoed       BIGINT       NOT NULL,
    frames_rejected     BIGINT       NOT NULL,
    frames_missing      BIGINT       NOT NULL,
    rule_versions       TEXT         NOT NULL,
    size_bytes          BIGINT       NOT NULL,
    file_count          INTEGER      NOT NULL,
    committed_ms        BIGINT       NOT NULL,
    recorded_ms         BIGINT       NOT NULL
);

CREATE INDEX IF NOT EXISTS catalog_series_beamtime ON catalog_series (beamtime);

-- The committed files of a series with size and ADLER32 (computed once, at commit). path is relative to the
-- beamline root, as archive_file.path and archive_copy.path, so a file's archive copies join on it.
CREATE TABLE IF NOT EXISTS catalog_series_file (
    path       VARCHAR(1024) NOT NULL PRIMARY KEY,
    series_key VARCHAR(512)  NOT NULL,
    size_bytes BIGINT        NOT NULL,
    adler32    CHAR(8)       NOT NULL
);

CREATE INDEX IF NOT EXISTS catalog_series_file_series ON catalog_series_file (series_key);

-- The schema version of this catalog (one row per upgrade; the highest counts).
CREATE TABLE IF NOT EXISTS archive_schema (
    version INTEGER NOT NULL
);
