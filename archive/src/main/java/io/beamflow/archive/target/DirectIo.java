package io.beamflow.archive.target;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.ChecksumAlgorithms;
import io.beamflow.archive.FileChecksums;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code O_DIRECT} file access for POSIX targets: copies written straight to the storage, and read back from
 * it. The read checksums a file read with {@code O_DIRECT} (JDK {@code ExtendedOpenOption.DIRECT}), so the bytes come from
 * the storage and not from the page cache the copy was just written through: block-aligned direct buffers of
 * a multiple of the file store's block size, the unaligned tail read as a short read at the end of the file.
 * Where the filesystem refuses {@code O_DIRECT} (tmpfs before Linux 6.6, some FUSE and NFS mounts), or keeps
 * files in memory anyway (tmpfs, ramfs), it reads through the page cache and says so in the result.
 */
final class DirectIo {
    private static final int BUFFER_BYTES = 4 << 20;
    private static final OpenOption DIRECT = directOption();
    private static final java.util.Set<String> MEMORY_FILESYSTEMS = java.util.Set.of("tmpfs", "ramfs");

    /**
     * @param checksums what was read
     * @param bytes     bytes read
     * @param method    {@link VerifyOutcome#METHOD_DIRECT} or {@link VerifyOutcome#METHOD_CACHED}
     * @param note      why the page cache was used, or null
     */
    record ReadBack(FileChecksums checksums, long bytes, String method, String note) {
    }

    private DirectIo() {
    }

    private static OpenOption directOption() {
        try {
            Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            for (Object o : c.getEnumConstants()) {
                if (((Enum<?>) o).name().equals("DIRECT")) {
                    return (OpenOption) o;
                }
            }
        } catch (ClassNotFoundException e) {
            // not a JDK with the extended options: page-cache reads only
        }
        return null;
    }

    /**
     * Reads a file (a symbolic link is refused) and checksums it, bypassing the page cache where possible.
     *
     * @param file       the copy
     * @param algorithms which checksums
     * @return checksums and how they were read
     * @throws IOException when reading fails
     */
    static ReadBack read(Path file, ChecksumAlgorithms algorithms) throws IOException {
        String refused = "this JVM has no O_DIRECT open option";
        String type = fsType(file);
        if (MEMORY_FILESYSTEMS.contains(type)) {
            // newer kernels accept O_DIRECT on tmpfs, but its files live in the page cache: nothing else to reach
            refused = type + " keeps files in the page cache, there is no other medium to read from";
        } else if (DIRECT != null) {
            FileChannel ch = null;
            int block = 0;
            try {
                block = blockSize(file);
                ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS, DIRECT);
            } catch (java.nio.file.NoSuchFileException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException | ArithmeticException e) {
                refused = "O_DIRECT refused by " + type + " (" + e.getMessage() + ")";
            }
            if (ch != null) {
                try (FileChannel c = ch) {
                    return new ReadBack(readDirect(c, block, algorithms), c.size(), VerifyOutcome.METHOD_DIRECT, null);
                }
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            return new ReadBack(ChecksumAccumulator.of(ch, algorithms), size, VerifyOutcome.METHOD_CACHED,
                    refused + "; read through the page cache");
        }
    }

    /**
     * Opens a new (truncated) file for writing with {@code O_DIRECT}, never through a link.
     *
     * @param file the file
     * @return the channel, or null where the filesystem refuses {@code O_DIRECT} or keeps files in memory
     * @throws IOException when the file cannot be created at all
     */
    static FileChannel openForWrite(Path file) throws IOException {
        if (DIRECT == null) {
            return null;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        ch.close();
        if (MEMORY_FILESYSTEMS.contains(fsType(file))) {
            return null;
        }
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS, DIRECT);
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }

    /**
     * @param file a file
     * @return the alignment {@code O_DIRECT} needs there (the file store's block size)
     * @throws IOException when it cannot be read
     */
    static int blockSize(Path file) throws IOException {
        return Math.toIntExact(Files.getFileStore(file).getBlockSize());
    }

    private static FileChecksums readDirect(FileChannel ch, int block, ChecksumAlgorithms algorithms) throws IOException {
        int len = Math.max(block, BUFFER_BYTES / block * block);
        ByteBuffer buf = ByteBuffer.allocateDirect(len + block).alignedSlice(block);
        buf.limit(len);
        ChecksumAccumulator acc = new ChecksumAccumulator(algorithms);
        long pos = 0;
        while (true) {
            buf.clear().limit(len);
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            buf.flip();
            acc.update(buf);
            pos += n;
            if (n % block != 0) {
                // the unaligned tail: only the last read of the file may be short of a block
                if (pos != ch.size()) {
                    throw new IOException("short O_DIRECT read at offset " + (pos - n) + " before the end of the file");
                }
                break;
            }
        }
        return acc.result();
    }

    private static String fsType(Path file) {
        try {
            return Files.getFileStore(file).type();
        } catch (IOException e) {
            return "the filesystem";
        }
    }
}
