package io.beamflow.archive.target;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.ChecksumAlgorithms;
import io.beamflow.archive.FileChecksums;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An archive storage endpoint (a dCache NFS mount, a dCache WebDAV door, ...). A copy is written through an
 * {@link Upload} under a temporary name and renamed to its final name only by {@link Upload#commit()}, so a
 * final name never holds a partial file. The migrator reads a source file once and feeds the same bytes to
 * the uploads of all targets.
 */
public interface ArchiveTarget extends AutoCloseable {
    /** @return the target's URI, its key in the catalog */
    String uri();

    /**
     * Starts a copy of a file to {@code relPath} on the target (under a temporary name).
     *
     * @param relPath   path relative to the target root, {@code /}-separated
     * @param sizeBytes the number of bytes that will be written
     * @return the upload; the caller ends it with {@link Upload#commit()} or {@link Upload#abort()}
     * @throws IOException when the target cannot take the copy
     */
    Upload begin(String relPath, long sizeBytes) throws IOException;

    /**
     * Checks the copy at {@code relPath} against expected checksums in a way that proves what the target
     * holds: a checksum the server computed where the target offers one, else by reading the copy back
     * without the local page cache where the filesystem allows it. The outcome names the method.
     *
     * @param relPath   path relative to the target root
     * @param expected  checksums recorded in the catalog (a SHA-256 there is checked too)
     * @param sizeBytes expected size
     * @return the outcome
     * @throws IOException when the target cannot be reached (the copy's state is then unknown)
     */
    VerifyOutcome verify(String relPath, FileChecksums expected, long sizeBytes) throws IOException;

    /**
     * Opens the copy at {@code relPath} for reading.
     *
     * @param relPath path relative to the target root
     * @return the bytes; the caller closes the stream
     * @throws java.nio.file.NoSuchFileException when there is no copy
     * @throws IOException when reading fails
     */
    InputStream open(String relPath) throws IOException;

    @Override
    default void close() {
    }

    /**
     * One copy being written. {@link #write} is called from one thread, in file order.
     */
    interface Upload {
        /**
         * Writes the remaining bytes of {@code data} (its position is not changed).
         *
         * @param data the next bytes of the file
         * @throws IOException when the copy failed; the caller then aborts it
         */
        void write(ByteBuffer data) throws IOException;

        /**
         * Makes the complete copy durable and gives it its final name.
         *
         * @throws IOException when that fails; no final-named file is left behind then
         */
        void commit() throws IOException;

        /** Drops the copy (best effort; a later copy reuses the temporary name). */
        void abort();
    }

    /**
     * The read-back check through {@link #open}: reads the copy and compares the checksums.
     *
     * @param target   the target
     * @param relPath  path of the copy
     * @param expected expected checksums
     * @param method   the method name to record
     * @return VERIFIED, CORRUPT or MISSING
     * @throws IOException when reading fails for another reason than a missing copy
     */
    static VerifyOutcome readBack(ArchiveTarget target, String relPath, FileChecksums expected, String method)
            throws IOException {
        FileChecksums actual;
        try (InputStream in = target.open(relPath)) {
            actual = ChecksumAccumulator.of(in, ChecksumAlgorithms.toCheck(expected));
        } catch (java.nio.file.NoSuchFileException e) {
            return VerifyOutcome.missing("no copy at " + relPath);
        }
        String mismatch = expected.mismatch(actual);
        return mismatch == null ? VerifyOutcome.verified(method) : VerifyOutcome.corrupt(method, mismatch);
    }
}
