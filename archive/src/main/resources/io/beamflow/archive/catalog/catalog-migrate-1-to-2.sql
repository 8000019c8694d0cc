-- Version 1 -> 2: archive_file.sha256 becomes optional (ADLER32 is dCache's checksum; SHA-256 is computed
-- only when configured). Neither SQLite nor portable SQL can drop NOT NULL in place, so the table is
-- rebuilt; every row and value is kept. Runs in one transaction.
CREATE TABLE archive_file_v2 (
    path            VARCHAR(1024) NOT NULL PRIMARY KEY,
    series          VARCHAR(512)  NOT NULL,
    size_bytes      BIGINT        NOT NULL,
    adler32         CHAR(8)       NOT NULL,
    sha256          CHAR(64),
    source_mtime_ms BIGINT        NOT NULL,
    registered_ms   BIGINT        NOT NULL,
    purged_ms       BIGINT
);
INSERT INTO archive_file_v2 (path, series, size_bytes, adler32, sha256, source_mtime_ms, registered_ms, purged_ms)
    SELECT path, series, size_bytes, adler32, sha256, source_mtime_ms, registered_ms, purged_ms FROM archive_file;
DROP TABLE archive_file;
ALTER TABLE archive_file_v2 RENAME TO archive_file;
CREATE INDEX archive_file_series ON archive_file (series);
