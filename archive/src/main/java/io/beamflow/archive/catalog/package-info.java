/**
 * The archive catalog: every archived file with its size and checksums (ADLER32 always, SHA-256 when
 * configured), and the state of its copy on each target with how that copy was verified. SQLite (embedded)
 * or PostgreSQL through JDBC, one portable schema; older catalogs are migrated in place when opened
 * ({@link io.beamflow.archive.catalog.ArchiveCatalog}).
 */
package io.beamflow.archive.catalog;
