package io.beamflow.archive.target;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.FileChecksums;
import io.beamflow.archive.StreamCopier;
import io.beamflow.archive.Throttle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;

/**
 * An archive target on a POSIX path, which is how a dCache NFS mount ({@code /pnfs/...}) is used in
 * production. Copies go to {@code .<name>.beamflow-part} in the final directory, are fsync'ed and renamed
 * atomically; verification reads the copy back.
 */
public final class PosixTarget implements ArchiveTarget {
    private final Path root;
    private final String uri;

    /** @param root the target directory (created when missing) */
    public PosixTarget(Path root) {
        this.root = root.toAbsolutePath().normalize();
        // Path.toUri() appends '/' only when the directory exists: strip it so the catalog key is stable
        String u = this.root.toUri().toString();
        this.uri = u.endsWith("/") && u.length() > "file:///".length() ? u.substring(0, u.length() - 1) : u;
    }

    /** @return the target directory */
    public Path root() {
        return root;
    }

    /** @param relPath relative path @return the file a copy lives in */
    public Path fileOf(String relPath) {
        return root.resolve(RelativePaths.check(relPath));
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public FileChecksums store(String relPath, Path source, Throttle throttle, LongConsumer progress) throws IOException {
        Path dest = fileOf(relPath);
        Path tmp = root.resolve(RelativePaths.temporary(relPath));
        Files.createDirectories(dest.getParent());
        ChecksumAccumulator sums = new ChecksumAccumulator();
        try (InputStream in = Files.newInputStream(source);
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = Channels.newOutputStream(ch)) {
            StreamCopier.copy(in, out, sums, throttle, progress);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("target " + root + " does not support atomic rename", e);
        }
        syncDirectory(dest.getParent());
        return sums.result();
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some filesystems (and NFS) cannot fsync a directory; the rename is still atomic
        }
    }

    @Override
    public VerifyOutcome verify(String relPath, FileChecksums expected, long sizeBytes) throws IOException {
        Path f = fileOf(relPath);
        if (!Files.isRegularFile(f)) {
            return VerifyOutcome.missing("no file " + f);
        }
        long size = Files.size(f);
        if (size != sizeBytes) {
            return VerifyOutcome.corrupt("size", "size expected " + sizeBytes + " got " + size);
        }
        return ArchiveTarget.readBack(this, relPath, expected);
    }

    @Override
    public InputStream open(String relPath) throws IOException {
        Path f = fileOf(relPath);
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString());
        }
        return Files.newInputStream(f);
    }

    @Override
    public String toString() {
        return uri;
    }
}
