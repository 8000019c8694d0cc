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
import java.util.function.LongConsumer;

/**
 * Reads a source file once (never through a symbolic link) and feeds every byte to the ADLER32, to the
 * uploads of all targets and, when configured, to a SHA-256 computed on another thread, so the read stays
 * one pass at disk speed. Every chunk but the last fills a whole aligned buffer, so targets can write it with
 * {@code O_DIRECT}. An upload that fails is dropped and the others go on. One instance per thread.
 */
final class OneReadCopier {
    static final int BUFFER_BYTES = 4 << 20;
    /** Buffer alignment: enough for {@code O_DIRECT} writes on any block size up to 64 KiB. */
    static final int ALIGNMENT = 64 << 10;
    private static final int BUFFERS = 3;

    private final ExecutorService shaThreads;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);

    /** What one read produced. */
    record Result(FileChecksums checksums, long bytesRead, Map<ArchiveTarget, IOException> failed) {
    }

    /** @param shaThreads where SHA-256 runs when configured (one task per file) */
    OneReadCopier(ExecutorService shaThreads) {
        this.shaThreads = shaThreads;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(newBuffer());
        }
    }

    /** @return a direct buffer of {@link #BUFFER_BYTES}, aligned so targets can write it with O_DIRECT */
    private static ByteBuffer newBuffer() {
        return ByteBuffer.allocateDirect(BUFFER_BYTES + ALIGNMENT).alignedSlice(ALIGNMENT);
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
        Map<ArchiveTarget, ArchiveTarget.Upload> live = new LinkedHashMap<>(uploads);
        Map<ArchiveTarget, IOException> failed = new LinkedHashMap<>();
        SwarAdler32 adler = new SwarAdler32();
        ShaTask sha = algorithms.sha256() ? new ShaTask() : null;
        Future<String> shaResult = sha == null ? null : shaThreads.submit(sha::run);
        long total = 0;
        boolean ok = false;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (true) {
                ByteBuffer buf = take(free);
                buf.clear();
                int n = fill(in, buf);
                if (n <= 0) {
                    free.add(buf);
                    break;
                }
                buf.flip();
                adler.update(buf.duplicate());
                for (Map.Entry<ArchiveTarget, ArchiveTarget.Upload> e : new ArrayList<>(live.entrySet())) {
                    try {
                        e.getValue().write(buf);
                    } catch (IOException | RuntimeException ex) {
                        e.getValue().abort();
                        live.remove(e.getKey());
                        failed.put(e.getKey(), ex instanceof IOException io ? io : new IOException(ex.toString(), ex));
                    }
                }
                if (sha != null) {
                    sha.chunks.add(buf);
                } else {
                    free.add(buf);
                }
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
                sha.chunks.add(ShaTask.END);
                shaHex = shaResult.get();
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
                live.values().forEach(ArchiveTarget.Upload::abort);
            }
            if (free.size() < BUFFERS) {
                // a failed SHA task kept buffers: give this copier fresh ones
                free.clear();
                for (int i = 0; i < BUFFERS; i++) {
                    free.add(newBuffer());
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

    private static ByteBuffer take(BlockingQueue<ByteBuffer> q) throws InterruptedException {
        return q.take();
    }

    /** SHA-256 of the chunks handed over, on its own thread; each chunk goes back to the free list after. */
    private final class ShaTask {
        static final ByteBuffer END = ByteBuffer.allocate(0);
        final BlockingQueue<ByteBuffer> chunks = new ArrayBlockingQueue<>(BUFFERS + 1);

        String run() throws InterruptedException {
            MessageDigest md = ChecksumAccumulator.newSha256();
            while (true) {
                ByteBuffer b = chunks.take();
                if (b == END) {
                    return HexFormat.of().formatHex(md.digest());
                }
                md.update(b.duplicate());
                free.add(b);
            }
        }
    }
}
