/**
 * Archive migration: moves committed, closed series from the fast beamline filesystem to archive storage
 * (dCache over NFS or its WebDAV door) and removes them from the beamline tier only when it is safe.
 *
 * <h2>Flow</h2>
 * <ol>
 *   <li>{@link io.beamflow.archive.SeriesScanner} lists {@code <root>/<beamtime>/<seriesId>/} directories
 *       that {@link io.beamflow.archive.ClosedSeriesPredicate} accepts (master file present, no temporary
 *       names). Nothing is followed through a symbolic link: links and other non-regular files are reported
 *       and skipped.</li>
 *   <li>{@link io.beamflow.archive.ArchiveMigrator} reads every file once and writes the same bytes to every
 *       {@link io.beamflow.archive.target.ArchiveTarget} ({@link io.beamflow.archive.target.PosixTarget},
 *       {@link io.beamflow.archive.target.WebDavTarget}) under a temporary name, computing ADLER32 (and SHA-256
 *       when configured, {@link io.beamflow.archive.ChecksumAlgorithms}) in the same pass, renames the copies,
 *       verifies each in a way that proves what the target holds ({@code O_DIRECT} read-back, or the server's
 *       {@code Digest}) and records file, copy and verification method in the
 *       {@link io.beamflow.archive.catalog.ArchiveCatalog} (SQLite or PostgreSQL, same schema).</li>
 *   <li>{@link io.beamflow.archive.ArchiveVerifier} re-checks recorded copies;
 *       {@link io.beamflow.archive.ArchivePurger} deletes beamline files whose
 *       {@link io.beamflow.archive.ArchivePolicy} is met (required verified copies, retention elapsed),
 *       after re-verifying the copies and checking that the beamline bytes still match the catalog, never
 *       through a link and never outside the series directory;
 *       {@link io.beamflow.archive.ArchiveRestorer} copies a series back, verifying the checksums.</li>
 *   <li>{@link io.beamflow.archive.ArchiveService} runs migration (and optionally purge) passes periodically.</li>
 * </ol>
 * Sub-packages: {@code catalog} (the database), {@code target} (where copies go and how they are proven),
 * {@code report} (what operations tell their callers).
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
