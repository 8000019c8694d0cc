package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import io.beamflow.archive.target.VerifyOutcome;
import io.beamflow.archive.target.WebDavTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One read of each source file feeds every target, and each copy is verified in a way that proves what the
 * target holds: POSIX copies written and read back with {@code O_DIRECT} on a disk (the module's build
 * directory; sizes around the block and buffer boundaries), the
 * WebDAV copy by the server's ADLER32; where the target is tmpfs the catalog says the page cache was read.
 */
class OneReadMigrationTest {
    @TempDir
    Path tmp;
    private Path disk;

    @AfterEach
    void cleanUp() throws IOException {
        if (disk != null) {
            try (Stream<Path> s = Files.walk(disk)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void shouldReadEachFileOnceForAllTargetsAndVerifyPosixCopiesBypassingThePageCache() throws Exception {
        disk = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "one-read-");
        String type = Files.getFileStore(disk).type();
        assumeTrue(!type.equals("tmpfs") && !type.equals("ramfs"), "the build directory is on " + type);
        Path beamline = disk.resolve("beamline");
        List<Path> files = new java.util.ArrayList<>(SeriesFixture.write(beamline, "bt", "s1", 3, (5 << 20) + 123, 11));
        // sizes around the O_DIRECT block: empty, one byte, one block, exactly one copy buffer
        files.add(Files.write(beamline.resolve("bt/s1/empty.txt"), new byte[0]));
        files.add(SeriesFixture.randomFile(beamline.resolve("bt/s1/one.txt"), 1, new java.util.Random(1)));
        files.add(SeriesFixture.randomFile(beamline.resolve("bt/s1/block.bin"), 4096, new java.util.Random(2)));
        files.add(SeriesFixture.randomFile(Files.createDirectories(beamline.resolve("bt/s1/nested")).resolve("buffer.bin"), 4 << 20, new java.util.Random(3)));
        long sourceBytes = files.stream().mapToLong(f -> f.toFile().length()).sum();
        PosixTarget a = new PosixTarget(disk.resolve("pool-a"));
        PosixTarget b = new PosixTarget(disk.resolve("pool-b"));
        try (DigestDoorServer door = new DigestDoorServer(Files.createDirectories(tmp.resolve("door")));
             ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            WebDavTarget dav = new WebDavTarget(door.url("pnfs"), 5_000, null);
            List<ArchiveTarget> targets = List.of(a, b, dav);
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, targets, Throttle.NONE, 2)
                    .migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(sourceBytes, r.bytesRead(), "each source file is read once");
            assertEquals(3 * sourceBytes, r.bytesWritten(), "and written to all three targets");
            assertEquals(Map.of(VerifyOutcome.METHOD_DIRECT, 2 * files.size(), "digest:adler32", files.size()), r.verifiedBy());
            for (Path f : files) {
                String rel = beamline.relativize(f).toString();
                for (CatalogCopy c : catalog.copies(rel)) {
                    assertTrue(c.verified(), c.toString());
                    String want = c.target().startsWith("http") ? "digest:adler32" : VerifyOutcome.METHOD_DIRECT;
                    assertEquals(want, c.method(), "the catalog records how " + c.target() + " was verified");
                }
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(a.fileOf(rel)));
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.fileOf(rel)));
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(door.file("pnfs/" + rel)));
            }
        }
    }

    @Test
    void shouldRecordThatTheCopyWasReadThroughThePageCacheOnAMemoryFilesystem() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
        disk = Files.createTempDirectory(shm, "one-read-");
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s2", 1, 300_000, 12);
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog,
                    List.of(new PosixTarget(disk.resolve("pool"))), Throttle.NONE).migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            for (Path f : files) {
                CatalogCopy c = catalog.copies(beamline.relativize(f).toString()).get(0);
                assertTrue(c.verified());
                assertEquals(VerifyOutcome.METHOD_CACHED, c.method());
                assertTrue(c.detail().contains("tmpfs"), c.detail());
            }
        }
    }

    /** A POSIX target whose copies fail at their second chunk, as a target that fills up or drops off mid-file. */
    private static final class FailingMidFile implements ArchiveTarget {
        private final PosixTarget inner;

        FailingMidFile(PosixTarget inner) {
            this.inner = inner;
        }

        @Override
        public String uri() {
            return inner.uri() + "-failing";
        }

        @Override
        public Upload begin(String relPath, long sizeBytes) throws IOException {
            Upload u = inner.begin(relPath, sizeBytes);
            return new Upload() {
                private int writes;

                @Override
                public void write(java.nio.ByteBuffer data) throws IOException {
                    if (++writes == 2) {
                        throw new IOException("no space left on the test target");
                    }
                    u.write(data);
                }

                @Override
                public void commit() throws IOException {
                    u.commit();
                }

                @Override
                public void abort() {
                    u.abort();
                }
            };
        }

        @Override
        public VerifyOutcome verify(String relPath, FileChecksums expected, long sizeBytes) throws IOException {
            return inner.verify(relPath, expected, sizeBytes);
        }

        @Override
        public java.io.InputStream open(String relPath) throws IOException {
            return inner.open(relPath);
        }
    }

    @Test
    void shouldFinishTheOtherCopiesWhenOneTargetFailsInTheMiddleOfAFile() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s3", 3, (9 << 20) + 5, 13);
        PosixTarget good = new PosixTarget(tmp.resolve("pool-good"));
        FailingMidFile bad = new FailingMidFile(new PosixTarget(tmp.resolve("pool-bad")));
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.of(bad, good), Throttle.NONE, 2,
                    ChecksumAlgorithms.ADLER32_SHA256).migrate(null, ProgressReporter.NONE);
            assertEquals(3, r.errors().size(), r.errors().toString());
            assertTrue(r.errors().stream().allMatch(e -> e.contains("no space left on the test target")), r.errors().toString());
            for (Path f : files) {
                String rel = beamline.relativize(f).toString();
                assertEquals(ChecksumAccumulator.of(f), catalog.file(rel).orElseThrow().checksums(),
                        "ADLER32 and SHA-256 of the one read, with a consumer gone mid-file");
                Map<String, CopyState> states = new java.util.HashMap<>();
                catalog.copies(rel).forEach(c -> states.put(c.target(), c.state()));
                // a file of one chunk (the master) never reaches the failing second write
                boolean multiChunk = Files.size(f) > OneReadCopier.BUFFER_BYTES;
                assertEquals(Map.of(good.uri(), CopyState.VERIFIED, bad.uri(), multiChunk ? CopyState.FAILED : CopyState.VERIFIED),
                        states, rel);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(good.fileOf(rel)));
                assertTrue(!multiChunk || Files.notExists(tmp.resolve("pool-bad").resolve(rel)), "no final-named partial copy");
            }
        }
    }

    /** A POSIX target with hooks at the begin and commit of each copy and at its verification. */
    private static class HookedTarget implements ArchiveTarget {
        final PosixTarget inner;

        HookedTarget(PosixTarget inner) {
            this.inner = inner;
        }

        void begun(String relPath) throws IOException {
        }

        void committing(String relPath) throws IOException {
        }

        VerifyOutcome verified(String relPath, VerifyOutcome outcome) {
            return outcome;
        }

        @Override
        public String uri() {
            return inner.uri();
        }

        @Override
        public Upload begin(String relPath, long sizeBytes) throws IOException {
            begun(relPath);
            Upload u = inner.begin(relPath, sizeBytes);
            return new Upload() {
                @Override
                public void write(java.nio.ByteBuffer data) throws IOException {
                    u.write(data);
                }

                @Override
                public void commit() throws IOException {
                    committing(relPath);
                    u.commit();
                }

                @Override
                public void abort() {
                    u.abort();
                }
            };
        }

        @Override
        public VerifyOutcome verify(String relPath, FileChecksums expected, long sizeBytes) throws IOException {
            return verified(relPath, inner.verify(relPath, expected, sizeBytes));
        }

        @Override
        public java.io.InputStream open(String relPath) throws IOException {
            return inner.open(relPath);
        }
    }

    @Test
    void shouldSendTheNextFileWhileTheTargetStillCommitsThePreviousOne() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s4", 2, 300_000, 14);
        java.util.Set<String> begun = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch nextBegun = new java.util.concurrent.CountDownLatch(1);
        HookedTarget t = new HookedTarget(new PosixTarget(tmp.resolve("pool"))) {
            @Override
            void begun(String relPath) {
                begun.add(relPath);
                if (begun.size() > 1) {
                    nextBegun.countDown();
                }
            }

            @Override
            void committing(String relPath) throws IOException {
                // the first commit (the target's final answer) lasts until the slot has begun sending the next file
                try {
                    if (begun.size() == 1 && !nextBegun.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IOException("the next file was not sent while " + relPath + " was being committed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.of(t), Throttle.NONE, 1)
                    .migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(files.size(), r.copiesVerified());
            for (Path f : files) {
                String rel = beamline.relativize(f).toString();
                assertTrue(catalog.copies(rel).get(0).verified(), rel);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(t.inner.fileOf(rel)));
            }
        }
    }

    @Test
    void shouldCopyAgainACopyThatFailedItsVerificationWhileTheNextFileIsSent() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s5", 3, 200_000, 15);
        String victim = beamline.relativize(files.get(0)).toString();
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        HookedTarget t = new HookedTarget(new PosixTarget(tmp.resolve("pool"))) {
            @Override
            VerifyOutcome verified(String relPath, VerifyOutcome outcome) {
                // the first check of one copy finds it damaged, as a bit flipped on the way
                return relPath.equals(victim) && checks.getAndIncrement() == 0
                        ? VerifyOutcome.corrupt(outcome.method(), "adler32 expected x got y") : outcome;
            }
        };
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.of(t), Throttle.NONE, 2)
                    .migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(files.size() + 1, r.copiesWritten(), "the damaged copy written once more");
            assertEquals(2, checks.get());
            for (Path f : files) {
                String rel = beamline.relativize(f).toString();
                assertTrue(catalog.copies(rel).get(0).verified(), rel);
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(t.inner.fileOf(rel)));
            }
        }
    }

    @Test
    void shouldBeginTheCopiesOfAFileOnAllTargetsAtTheSameTime() throws Exception {
        Path beamline = tmp.resolve("beamline");
        List<Path> files = SeriesFixture.write(beamline, "bt", "s6", 1, 100_000, 16);
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        List<HookedTarget> targets = new java.util.ArrayList<>();
        for (String name : List.of("pool-a", "pool-b")) {
            targets.add(new HookedTarget(new PosixTarget(tmp.resolve(name))) {
                @Override
                void begun(String relPath) throws IOException {
                    // each begin (a door's redirect and the pool's 100 Continue) waits until the other has started
                    both.countDown();
                    try {
                        if (!both.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new IOException("the copies of " + relPath + " began one after the other");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
            });
        }
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.copyOf(targets), Throttle.NONE, 1)
                    .migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(2 * files.size(), r.copiesVerified());
        }
    }
}
