package io.beamflow.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Adler32;

/** Computes ADLER32 and SHA-256 of a byte stream in one pass. Not thread-safe. */
public final class ChecksumAccumulator {
    private final Adler32 adler = new Adler32();
    private final MessageDigest sha;
    private long bytes;

    /** Starts empty checksums. */
    public ChecksumAccumulator() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    /**
     * Adds bytes.
     *
     * @param buf bytes
     * @param off first byte
     * @param len number of bytes
     */
    public void update(byte[] buf, int off, int len) {
        adler.update(buf, off, len);
        sha.update(buf, off, len);
        bytes += len;
    }

    /** @return bytes added so far */
    public long bytes() {
        return bytes;
    }

    /** @return the checksums of the bytes added so far (call once) */
    public FileChecksums result() {
        return new FileChecksums(String.format("%08x", adler.getValue()), HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * Reads a stream to its end and returns its checksums.
     *
     * @param in stream (not closed)
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(InputStream in) throws IOException {
        ChecksumAccumulator acc = new ChecksumAccumulator();
        StreamCopier.copy(in, null, acc, Throttle.NONE, n -> { });
        return acc.result();
    }

    /**
     * Checksums of a file.
     *
     * @param file file
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in);
        }
    }
}
