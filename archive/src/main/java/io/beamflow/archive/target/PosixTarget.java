package io.beamflow.archive.target;

import io.beamflow.archive.ChecksumAlgorithms;
import io.beamflow.archive.FileChecksums;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An archive target on a POSIX path, which is how a dCache NFS mount ({@code /pnfs/...}) is used in
 * production. Copies go to {@code .<name>.beamflow-part} in the final directory, written with {@code O_DIRECT}
 * where the filesystem takes it, are fsync'ed and renamed atomically; verification reads the copy back with
 * {@code O_DIRECT} (from the storage, not the page cache), or through the page cache where the filesystem
 * refuses {@code O_DIRECT} or keeps files in memory, recording which.
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
    public Upload begin(String relPath, long sizeBytes) throws IOException {
        Path dest = fileOf(relPath);
        Path tmp = root.resolve(RelativePaths.temporary(relPath));
        Files.createDirectories(dest.getParent());
        FileChannel direct = DirectIo.openForWrite(tmp);
        if (direct != null) {
            return new FileUpload(direct, DirectIo.blockSize(tmp), tmp, dest);
        }
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        return new FileUpload(ch, 0, tmp, dest);
    }

    /**
     * A copy being written to its temporary file: with {@code O_DIRECT} where the filesystem takes it (block
     * aligned writes straight to the storage, the unaligned tail padded and truncated away; no page-cache copy
     * and no dirty pages to flush at commit), else through the page cache.
     */
    private final class FileUpload implements Upload {
        private final FileChannel ch;
        private final int block;
        private final Path tmp;
        private final Path dest;
        private long written;
        private ByteBuffer bounce;

        /** @param block the O_DIRECT alignment, or 0 for a buffered channel */
        FileUpload(FileChannel ch, int block, Path tmp, Path dest) {
            this.ch = ch;
            this.block = block;
            this.tmp = tmp;
            this.dest = dest;
        }

        @Override
        public void write(ByteBuffer data) throws IOException {
            ByteBuffer b = data.duplicate();
            int n = b.remaining();
            if (block == 0) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                written += n;
                return;
            }
            if (written % block != 0) {
                throw new IOException("O_DIRECT copy to " + tmp + ": only the last write may be shorter than a block");
            }
            int padded = (n + block - 1) / block * block;
            boolean aligned = b.isDirect() && b.alignmentOffset(b.position(), block) == 0
                    && b.position() + padded <= b.capacity();
            if (!aligned) {
                if (bounce == null || bounce.capacity() < padded) {
                    bounce = ByteBuffer.allocateDirect(padded + block).alignedSlice(block);
                }
                bounce.clear();
                bounce.put(b);
                b = bounce.flip();
            }
            // the padding past the file's end (a partial last block) is cut off again at commit
            b.limit(b.position() + padded);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            written += n;
        }

        @Override
        public void commit() throws IOException {
            try {
                if (ch.size() != written) {
                    ch.truncate(written);
                }
                ch.force(true);
                ch.close();
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                abort();
                throw new IOException("target " + root + " does not support atomic rename", e);
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
            syncDirectory(dest.getParent());
        }

        @Override
        public void abort() {
            try {
                ch.close();
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // best effort; the next copy of this file truncates the temporary file
            }
        }
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
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return VerifyOutcome.missing("no file " + f);
        }
        if (!a.isRegularFile()) {
            return VerifyOutcome.missing(f + " is not a regular file");
        }
        if (a.size() != sizeBytes) {
            return VerifyOutcome.corrupt("size", "size expected " + sizeBytes + " got " + a.size());
        }
        DirectIo.ReadBack r;
        try {
            r = DirectIo.read(f, ChecksumAlgorithms.toCheck(expected));
        } catch (NoSuchFileException e) {
            return VerifyOutcome.missing("no file " + f);
        }
        if (r.bytes() != sizeBytes) {
            return VerifyOutcome.corrupt("size", "size expected " + sizeBytes + " got " + r.bytes());
        }
        String mismatch = expected.mismatch(r.checksums());
        return mismatch == null ? VerifyOutcome.verified(r.method(), r.note()) : VerifyOutcome.corrupt(r.method(), mismatch);
    }

    @Override
    public InputStream open(String relPath) throws IOException {
        Path f = fileOf(relPath);
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(f.toString());
        }
        return Channels.newInputStream(FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    @Override
    public String toString() {
        return uri;
    }
}
