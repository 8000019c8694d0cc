-- Beamflow archive catalog. Portable SQL: the same statements run on SQLite (default, embedded) and
-- PostgreSQL (shared deployments). Statements are separated by ';' at line ends.

-- One row per file of the beamline filesystem, keyed by its path relative to the beamline root.
CREATE TABLE IF NOT EXISTS archive_file (
    path            VARCHAR(1024) NOT NULL PRIMARY KEY,
    series          VARCHAR(512)  NOT NULL,
    size_bytes      BIGINT        NOT NULL,
    adler32         CHAR(8)       NOT NULL,
    sha256          CHAR(64)      NOT NULL,
    source_mtime_ms BIGINT        NOT NULL,
    registered_ms   BIGINT        NOT NULL,
    purged_ms       BIGINT
);

CREATE INDEX IF NOT EXISTS archive_file_series ON archive_file (series);

-- One row per (file, target): the state of that copy. first_verified_ms is when the copy was first
-- found to match (the retention clock); it is cleared when the copy is found corrupt or missing.
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
