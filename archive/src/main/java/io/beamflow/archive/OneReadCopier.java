package io.beamflow.archive;

import io.beamflow.archive.target.ArchiveTarget;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Reads a source file once (never through a symbolic link) and feeds every byte to the ADLER32, to the
 * uploads of all targets and, when configured, to a SHA-256, so the read stays one pass at disk speed. The
 * read and the ADLER32 run on the calling thread; each upload is written by a thread of its own and the
 * SHA-256 on another, all from the same buffers (no copy): a buffer goes back to the reader once every
 * consumer is done with it, so a slow target does not hold the others up by more than the buffers ahead.
 * Every chunk but the last fills a whole aligned buffer, so targets can write it with {@code O_DIRECT}. An
 * upload that fails is dropped and the others go on. One instance per thread.
 */
final class OneReadCopier {
    static final int BUFFER_BYTES = 4 << 20;
    /** Buffer alignment: enough for {@code O_DIRECT} writes on any block size up to 64 KiB. */
    static final int ALIGNMENT = 64 << 10;
    private static final int BUFFERS = 3;

    private final ExecutorService shaThreads;
    private final ExecutorService writeThreads;
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(BUFFERS);

    /** What one read produced. */
    record Result(FileChecksums checksums, long bytesRead, Map<ArchiveTarget, IOException> failed) {
    }

    /** A read buffer and the number of consumers still using it. */
    private final class Chunk {
        final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES + ALIGNMENT).alignedSlice(ALIGNMENT);
        final AtomicInteger users = new AtomicInteger();

        void release() {
            if (users.decrementAndGet() == 0) {
                free.add(this);
            }
        }
    }

    /** Marks the end of a file in a consumer's queue. */
    private static final Chunk END = null;

    /**
     * @param shaThreads   where SHA-256 runs when configured (one task per file)
     * @param writeThreads where the uploads are written (one task per upload)
     */
    OneReadCopier(ExecutorService shaThreads, ExecutorService writeThreads) {
        this.shaThreads = shaThreads;
        this.writeThreads = writeThreads;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new Chunk());
        }
    }

    /** Writes the chunks handed to it to one upload, in order, on its own thread. */
    private static final class Writer {
        final ArchiveTarget target;
        final ArchiveTarget.Upload upload;
        /** Chunks to write; an entry with a null chunk ends the file. Room for every buffer and the end. */
        final BlockingQueue<java.util.Optional<Chunk>> chunks = new ArrayBlockingQueue<>(BUFFERS + 1);
        volatile IOException failure;
        Future<?> done;

        Writer(ArchiveTarget target, ArchiveTarget.Upload upload) {
            this.target = target;
            this.upload = upload;
        }

        void run() throws InterruptedException {
            while (true) {
                Chunk c = chunks.take().orElse(END);
                if (c == END) {
                    return;
                }
                try {
                    if (failure == null) {
                        upload.write(c.buf);
                    }
                } catch (IOException | RuntimeException ex) {
                    failure = ex instanceof IOException io ? io : new IOException(ex.toString(), ex);
                    upload.abort();
                } finally {
                    c.release();
                }
            }
        }
    }

    /**
     * Copies {@code source} to the given uploads (not committed here).
     *
     * @param source     the file; a symbolic link is refused
     * @param uploads    target to its upload
     * @param algorithms checksums to compute
     * @param throttle   transfer limit (on the bytes read)
     * @param progress   called with bytes read times uploads after each chunk
     * @return checksums, bytes read and the uploads that failed (already aborted)
     * @throws IOException when the source cannot be read (all uploads are aborted then)
     */
    Result copy(Path source, Map<ArchiveTarget, ArchiveTarget.Upload> uploads, ChecksumAlgorithms algorithms,
            Throttle throttle, LongConsumer progress) throws IOException {
        List<Writer> writers = new ArrayList<>();
        Map<ArchiveTarget, IOException> failed = new LinkedHashMap<>();
        SwarAdler32 adler = new SwarAdler32();
        ShaTask sha = algorithms.sha256() ? new ShaTask() : null;
        Future<String> shaResult = sha == null ? null : shaThreads.submit(sha::run);
        long total = 0;
        boolean ok = false;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            for (Map.Entry<ArchiveTarget, ArchiveTarget.Upload> e : uploads.entrySet()) {
                Writer w = new Writer(e.getKey(), e.getValue());
                w.done = writeThreads.submit(() -> {
                    w.run();
                    return null;
                });
                writers.add(w);
            }
            List<Writer> live = new ArrayList<>(writers);
            while (true) {
                Chunk c = free.take();
                ByteBuffer buf = c.buf;
                buf.clear();
                int n = fill(in, buf);
                if (n <= 0) {
                    free.add(c);
                    break;
                }
                buf.flip();
                adler.update(buf.duplicate());
                live.removeIf(w -> w.failure != null);
                c.users.set(live.size() + (sha != null ? 1 : 0) + 1);
                for (Writer w : live) {
                    w.chunks.add(java.util.Optional.of(c));
                }
                if (sha != null) {
                    sha.chunks.add(java.util.Optional.of(c));
                }
                c.release(); // the reader's own use
                total += n;
                // the limit is on what goes to the targets, as before the copies shared one read
                throttle.acquire((long) n * Math.max(1, live.size()));
                progress.accept((long) n * Math.max(1, live.size()));
                if (live.isEmpty()) {
                    break;
                }
            }
            String shaHex = null;
            if (sha != null) {
                sha.chunks.add(java.util.Optional.empty());
                shaHex = shaResult.get();
            }
            finish(writers);
            for (Writer w : writers) {
                if (w.failure != null) {
                    failed.put(w.target, w.failure);
                }
            }
            ok = true;
            return new Result(new FileChecksums(ChecksumAccumulator.hex(adler), shaHex), total, failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("copy of " + source + " interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("SHA-256 of " + source + " failed: " + e.getCause(), e.getCause());
        } finally {
            if (!ok) {
                if (shaResult != null) {
                    shaResult.cancel(true);
                }
                try {
                    finish(writers);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                uploads.values().forEach(ArchiveTarget.Upload::abort);
            }
            if (free.size() < BUFFERS) {
                // a failed SHA task or writer kept buffers: give this copier fresh ones
                free.clear();
                for (int i = 0; i < BUFFERS; i++) {
                    free.add(new Chunk());
                }
            }
        }
    }

    /** Ends every writer's file and waits until each has written (or dropped) all it was given. */
    private static void finish(List<Writer> writers) throws InterruptedException {
        for (Writer w : writers) {
            if (!w.done.isDone()) {
                w.chunks.add(java.util.Optional.empty());
            }
        }
        for (Writer w : writers) {
            try {
                w.done.get();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                if (w.failure == null) {
                    w.failure = new IOException("writer of " + w.target.uri() + " failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    private static int fill(FileChannel in, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** SHA-256 of the chunks handed over, on its own thread; each chunk is released after. */
    private static final class ShaTask {
        final BlockingQueue<java.util.Optional<Chunk>> chunks = new ArrayBlockingQueue<>(BUFFERS + 1);

        String run() throws InterruptedException {
            MessageDigest md = ChecksumAccumulator.newSha256();
            while (true) {
                Chunk c = chunks.take().orElse(END);
                if (c == END) {
                    return HexFormat.of().formatHex(md.digest());
                }
                md.update(c.buf.duplicate());
                c.release();
            }
        }
    }
}
