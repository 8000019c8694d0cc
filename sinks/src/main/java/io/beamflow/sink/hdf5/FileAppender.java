package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Appends bytes at the end of the file being written and returns their address; writes the dirty pages back in the
 * background every {@value #BACKGROUND_SYNC_BYTES} bytes, so that the final fsync is short and dirty pages stay
 * bounded.
 */
final class FileAppender {
    /** Written bytes after which the data is flushed to disk in the background (bounds dirty pages). */
    static final long BACKGROUND_SYNC_BYTES = 64L << 20;
    private static final ExecutorService SYNCER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hdf5-background-sync");
        t.setDaemon(true);
        return t;
    });

    private final Path path;
    private FileChannel channel;
    private long eof;
    private long unsyncedBytes;
    private Future<?> pendingSync;

    /**
     * @param path    the file (for messages)
     * @param channel open for writing
     * @param eof     where the next append goes
     */
    FileAppender(Path path, FileChannel channel, long eof) {
        this.path = path;
        this.channel = channel;
        this.eof = eof;
    }

    /** @return the file length so far */
    long eof() {
        return eof;
    }

    /** @return whether the file is still open */
    boolean isOpen() {
        return channel != null;
    }

    /** @return the address of the appended bytes */
    long append(byte[] data, int off, int len) throws IOException {
        long addr = eof;
        ByteBuffer bb = ByteBuffer.wrap(data, off, len);
        long pos = addr;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        eof = pos;
        unsyncedBytes += len;
        if (unsyncedBytes >= BACKGROUND_SYNC_BYTES && (pendingSync == null || pendingSync.isDone())) {
            awaitBackgroundSync();
            unsyncedBytes = 0;
            FileChannel ch = channel;
            pendingSync = SYNCER.submit(() -> {
                ch.force(false);
                return null;
            });
        }
        return addr;
    }

    /** Writes bytes at a given position (the superblock at 0), not moving the end. */
    void writeAt(long position, byte[] data) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(data);
        long pos = position;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
    }

    /** Forces the data written so far to disk (after the background flush, whose failure it reports). */
    void force(boolean metadata) throws IOException {
        awaitBackgroundSync();
        channel.force(metadata);
    }

    /** Waits for the background flush and reports its failure (e.g. disk full) as this writer's. */
    void awaitBackgroundSync() throws IOException {
        Future<?> f = pendingSync;
        pendingSync = null;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while flushing " + path);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException ? (IOException) c : new IOException("flushing " + path + " failed: " + c, c);
        }
    }

    /** Closes the channel (idempotent). */
    void close() throws IOException {
        FileChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }
}
