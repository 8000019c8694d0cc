package io.beamflow.archive.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beamflow.archive.ChecksumAccumulator;
import io.beamflow.archive.ChecksumAlgorithms;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read-back that proves a copy: {@code O_DIRECT} with aligned buffers on a disk-backed filesystem (the
 * module's build directory), sizes around the block and buffer boundaries included, and the recorded fallback
 * through the page cache on tmpfs, whose files live in the page cache (older kernels refuse {@code O_DIRECT} there).
 */
class DirectIoTest {
    private Path dir;

    private static Path freshDir(Path parent) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(parent), "direct-readback-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (dir != null && Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Path write(Path f, long bytes, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(f)) {
            for (long left = bytes; left > 0; left -= buf.length) {
                rnd.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
        return f;
    }

    @Test
    void shouldReadUnalignedFilesWithODirectOnADiskAndMatchTheirChecksums() throws Exception {
        dir = freshDir(Path.of("target"));
        String type = Files.getFileStore(dir).type();
        assumeTrue(!type.equals("tmpfs") && !type.equals("ramfs"), "the build directory is on " + type);
        long block = Files.getFileStore(dir).getBlockSize();
        for (long size : List.of(0L, 1L, block - 1, block, 4L << 20, (4L << 20) + 17, (9L << 20) + 513)) {
            Path f = write(dir.resolve("f" + size), size, size);
            DirectIo.ReadBack r = DirectIo.read(f, ChecksumAlgorithms.ADLER32_SHA256);
            assertEquals(VerifyOutcome.METHOD_DIRECT, r.method(), "size " + size);
            assertNull(r.note());
            assertEquals(size, r.bytes());
            assertEquals(ChecksumAccumulator.of(f), r.checksums(), "size " + size);
        }
        try (java.nio.channels.FileChannel ch = DirectIo.openForWrite(dir.resolve("w"))) {
            assertTrue(ch != null, "a disk filesystem takes O_DIRECT writes, so POSIX copies bypass the page cache");
        }
    }

    @Test
    void shouldRecordAPageCacheReadOnTmpfsAndSayWhy() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
        dir = freshDir(shm);
        Path f = write(dir.resolve("f"), (1 << 20) + 3, 1);
        DirectIo.ReadBack r = DirectIo.read(f, ChecksumAlgorithms.ADLER32);
        assertEquals(VerifyOutcome.METHOD_CACHED, r.method());
        assertTrue(r.note().contains("tmpfs"), r.note());
        assertEquals(ChecksumAccumulator.of(f, ChecksumAlgorithms.ADLER32), r.checksums());
    }
}
