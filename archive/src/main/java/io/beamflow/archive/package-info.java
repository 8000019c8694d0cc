/**
 * Archive migration: moves committed, closed series from the fast beamline filesystem to archive storage
 * (dCache over NFS or its WebDAV door) and removes them from the beamline tier only when it is safe.
 *
 * <h2>Flow</h2>
 * <ol>
 *   <li>{@link io.beamflow.archive.SeriesScanner} lists {@code <root>/<beamtime>/<seriesId>/} directories
 *       that {@link io.beamflow.archive.ClosedSeriesPredicate} accepts (master file present, no temporary
 *       names).</li>
 *   <li>{@link io.beamflow.archive.ArchiveMigrator} streams every file to every
 *       {@link io.beamflow.archive.ArchiveTarget} ({@link io.beamflow.archive.PosixTarget},
 *       {@link io.beamflow.archive.WebDavTarget}) under a temporary name, computing ADLER32 and SHA-256 on the
 *       way, renames it, verifies it (server {@code Digest} where offered, else read-back) and records file and
 *       copy in the {@link io.beamflow.archive.ArchiveCatalog} (SQLite or PostgreSQL, same schema).</li>
 *   <li>{@link io.beamflow.archive.ArchiveVerifier} re-checks recorded copies;
 *       {@link io.beamflow.archive.ArchivePurger} deletes beamline files whose
 *       {@link io.beamflow.archive.ArchivePolicy} is met (required verified copies, retention elapsed),
 *       after re-verifying the copies and checking that the beamline bytes still match the catalog;
 *       {@link io.beamflow.archive.ArchiveRestorer} copies a series back, verifying both checksums.</li>
 *   <li>{@link io.beamflow.archive.ArchiveService} runs migration (and optionally purge) passes periodically.</li>
 * </ol>
 *
 * <h2>Crash safety</h2>
 * Final names on a target only ever hold complete copies (temporary name + atomic rename / WebDAV MOVE);
 * catalog writes are upserts keyed by path and (path, target); a copy becomes VERIFIED only after its check.
 * A pass killed at any point is resumed by running it again: unverified copies are re-copied (or adopted
 * when a complete, matching copy already sits under the final name), nothing is duplicated. Migration and
 * purge passes hold an exclusive catalog lock (file lock for SQLite, advisory lock for PostgreSQL) that the
 * operating system or database releases if the process dies.
 */
package io.beamflow.archive;
