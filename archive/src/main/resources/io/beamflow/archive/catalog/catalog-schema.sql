-- Beamflow archive catalog, schema version 2. Portable SQL: the same statements run on SQLite (default,
-- embedded) and PostgreSQL (shared deployments). Statements are separated by ';' at line ends.
-- Version 1 (before archive_schema existed) had sha256 NOT NULL; ArchiveCatalog migrates it in place.

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

-- The schema version of this catalog (one row).
CREATE TABLE IF NOT EXISTS archive_schema (
    version INTEGER NOT NULL
);
