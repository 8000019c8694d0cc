package io.beamflow.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Checksum;

/** Computes ADLER32 (and SHA-256 when asked) of a byte stream in one pass, in the calling thread. Not thread-safe. */
public final class ChecksumAccumulator {
    private static final int BUFFER_BYTES = 1 << 20;

    private final SwarAdler32 adler = new SwarAdler32();
    private final MessageDigest sha;
    private long bytes;

    /** Starts empty ADLER32 and SHA-256 checksums. */
    public ChecksumAccumulator() {
        this(ChecksumAlgorithms.ADLER32_SHA256);
    }

    /** @param algorithms which checksums to compute */
    public ChecksumAccumulator(ChecksumAlgorithms algorithms) {
        sha = algorithms.sha256() ? newSha256() : null;
    }

    /** @return a new SHA-256 digest */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
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
        if (sha != null) {
            sha.update(buf, off, len);
        }
        bytes += len;
    }

    /**
     * Adds the remaining bytes of a buffer; its position is left unchanged.
     *
     * @param buf bytes
     */
    public void update(ByteBuffer buf) {
        int n = buf.remaining();
        adler.update(buf.duplicate());
        if (sha != null) {
            sha.update(buf.duplicate());
        }
        bytes += n;
    }

    /** @return bytes added so far */
    public long bytes() {
        return bytes;
    }

    /** @return the checksums of the bytes added so far (call once) */
    public FileChecksums result() {
        return new FileChecksums(hex(adler), sha == null ? null : HexFormat.of().formatHex(sha.digest()));
    }

    /**
     * @param adler an ADLER32 ({@link SwarAdler32} or {@link java.util.zip.Adler32})
     * @return its value as 8 lower-case hex digits
     */
    public static String hex(Checksum adler) {
        return String.format("%08x", adler.getValue());
    }

    /**
     * Reads a stream to its end and returns its ADLER32 and SHA-256.
     *
     * @param in stream (not closed)
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(InputStream in) throws IOException {
        return of(in, ChecksumAlgorithms.ADLER32_SHA256);
    }

    /**
     * Reads a stream to its end and returns its checksums.
     *
     * @param in         stream (not closed)
     * @param algorithms which checksums
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(InputStream in, ChecksumAlgorithms algorithms) throws IOException {
        ChecksumAccumulator acc = new ChecksumAccumulator(algorithms);
        byte[] buf = new byte[BUFFER_BYTES];
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            acc.update(buf, 0, n);
        }
        return acc.result();
    }

    /**
     * ADLER32 and SHA-256 of a file (a symbolic link is refused, not followed).
     *
     * @param file file
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(Path file) throws IOException {
        return of(file, ChecksumAlgorithms.ADLER32_SHA256);
    }

    /**
     * Checksums of a file (a symbolic link is refused, not followed).
     *
     * @param file       file
     * @param algorithms which checksums
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(Path file, ChecksumAlgorithms algorithms) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return of(ch, algorithms);
        }
    }

    /**
     * Checksums of what a channel reads from its current position to its end.
     *
     * @param ch         channel (not closed)
     * @param algorithms which checksums
     * @return checksums
     * @throws IOException when reading fails
     */
    public static FileChecksums of(java.nio.channels.ReadableByteChannel ch, ChecksumAlgorithms algorithms)
            throws IOException {
        ChecksumAccumulator acc = new ChecksumAccumulator(algorithms);
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        while (ch.read(buf) >= 0) {
            buf.flip();
            acc.update(buf);
            buf.clear();
        }
        return acc.result();
    }
}
