package io.beamflow.sink.hdf5;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compresses frame chunks, on a small thread pool or inline, with one encoder per thread. Output
 * buffers are recycled through a bounded pool so that steady-state writing allocates nothing large.
 */
public final class FrameCompressor implements AutoCloseable {
    /** One encoded chunk; {@link #recycle} returns its buffer after it was written. */
    public static final class EncodedChunk {
        final byte[] data;
        final int length;
        final int rawLength;
        final boolean pooled;

        EncodedChunk(byte[] data, int length, int rawLength, boolean pooled) {
            this.data = data;
            this.length = length;
            this.rawLength = rawLength;
            this.pooled = pooled;
        }

        /**
         * @param encoded   a whole chunk encoded elsewhere (exactly its length)
         * @param rawLength its uncompressed length
         * @return the chunk, not pooled
         */
        static EncodedChunk of(byte[] encoded, int rawLength) {
            return new EncodedChunk(encoded, encoded.length, rawLength, false);
        }
    }

    private final Compression compression;
    private final ExecutorService pool;
    private final int threads;
    private final ThreadLocal<ChunkEncoder> encoders;
    private final ArrayBlockingQueue<byte[]> buffers;

    /**
     * @param compression chunk filter
     * @param threads     worker threads; 0 compresses inline on the caller's thread
     */
    public FrameCompressor(Compression compression, int threads) {
        this.compression = compression;
        this.threads = Math.max(0, threads);
        this.encoders = ThreadLocal.withInitial(compression::newEncoder);
        this.buffers = new ArrayBlockingQueue<>(2 * this.threads + 2);
        if (this.threads > 0) {
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(this.threads, r -> {
                Thread t = new Thread(r, "hdf5-compress-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            this.pool = null;
        }
    }

    /** @return frames that may be in flight before the caller must wait for the oldest */
    public int maxInFlight() {
        return Math.max(1, 2 * threads);
    }

    /** @return the chunk filter */
    public Compression compression() {
        return compression;
    }

    /**
     * Compresses one frame, asynchronously when a pool is configured.
     *
     * @param pixels      raw little-endian chunk bytes (not modified, must not change until done)
     * @param elementSize bytes per pixel
     * @return the encoded chunk
     */
    public CompletableFuture<EncodedChunk> submit(byte[] pixels, int elementSize) {
        if (pool == null) {
            return CompletableFuture.completedFuture(encode(pixels, elementSize));
        }
        return CompletableFuture.supplyAsync(() -> encode(pixels, elementSize), pool);
    }

    EncodedChunk encode(byte[] pixels, int elementSize) {
        ChunkEncoder enc = encoders.get();
        if (enc == null) {
            return new EncodedChunk(pixels, pixels.length, pixels.length, false);
        }
        int max = enc.maxEncodedLength(pixels.length, elementSize);
        byte[] out = buffers.poll();
        if (out == null || out.length < max) {
            out = new byte[max];
        }
        int n = enc.encode(pixels, 0, pixels.length, elementSize, out);
        return new EncodedChunk(out, n, pixels.length, true);
    }

    /** Returns a written chunk's buffer to the pool. */
    void recycle(EncodedChunk c) {
        if (c.pooled) {
            buffers.offer(c.data);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
