/**
 * Archive targets: where copies go and how a copy is proven. {@link io.beamflow.archive.target.PosixTarget}
 * (a dCache NFS mount or any POSIX path) verifies by reading the copy back with {@code O_DIRECT}, bypassing the
 * page cache; {@link io.beamflow.archive.target.WebDavTarget} (a dCache WebDAV door) asks the server for its
 * checksum ({@code Want-Digest}, RFC 3230) and reads the copy back only where the server gives none; over plain
 * HTTP its {@code PUT} bodies go from the read buffers straight to the socket ({@code HttpPutWriter}:
 * {@code Expect: 100-continue}, redirects to the pool, kept-alive connections). Copies are
 * written from one read of the source through {@link io.beamflow.archive.target.ArchiveTarget.Upload}s.
 */
package io.beamflow.archive.target;
