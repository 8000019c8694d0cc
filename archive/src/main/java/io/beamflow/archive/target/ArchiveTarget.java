package io.beamflow.archive.target;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.FileChecksums;
import io.beamflow.archive.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * An archive storage endpoint (a dCache NFS mount, a dCache WebDAV door, ...). Implementations write
 * every copy under a temporary name and rename it to its final name only when all bytes are written, so
 * a final name never holds a partial file.
 */
public interface ArchiveTarget extends AutoCloseable {
    /** @return the target's URI, its key in the catalog */
    String uri();

    /**
     * Copies a file to {@code relPath} on the target (temporary name, then rename).
     *
     * @param relPath  path relative to the target root, {@code /}-separated
     * @param source   local file to copy
     * @param throttle transfer limit
     * @param progress called with the number of bytes sent after each chunk
     * @return checksums of the bytes read from {@code source} and sent
     * @throws IOException when the copy fails; no final-named file is left behind then
     */
    FileChecksums store(String relPath, Path source, Throttle throttle, LongConsumer progress) throws IOException;

    /**
     * Checks the copy at {@code relPath} against expected checksums: with a checksum the server reports
     * where the target offers one, else by reading the copy back.
     *
     * @param relPath   path relative to the target root
     * @param expected  checksums recorded in the catalog
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
     * The read-back check shared by all targets: reads the copy and compares both checksums.
     *
     * @param target    the target
     * @param relPath   path of the copy
     * @param expected  expected checksums
     * @return VERIFIED, CORRUPT or MISSING
     * @throws IOException when reading fails for another reason than a missing copy
     */
    static VerifyOutcome readBack(ArchiveTarget target, String relPath, FileChecksums expected) throws IOException {
        FileChecksums actual;
        try (InputStream in = target.open(relPath)) {
            actual = ChecksumAccumulator.of(in);
        } catch (java.nio.file.NoSuchFileException e) {
            return VerifyOutcome.missing("no copy at " + relPath);
        }
        String mismatch = expected.mismatch(actual);
        return mismatch == null ? VerifyOutcome.verified(VerifyOutcome.METHOD_READBACK)
                : VerifyOutcome.corrupt(VerifyOutcome.METHOD_READBACK, mismatch);
    }
}
