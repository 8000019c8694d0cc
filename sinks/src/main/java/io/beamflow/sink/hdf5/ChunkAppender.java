package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Fills the chunks of growing datasets row by row, encodes each full chunk with its dataset's filter, appends it to
 * the file and records it in the dataset's chunk index; also takes chunks the caller encoded.
 */
final class ChunkAppender {
    private final FileAppender file;
    private final Map<ChunkedDataset, ChunkEncoder> encoders = new IdentityHashMap<>();
    private byte[] encodeBuffer = new byte[0];

    ChunkAppender(FileAppender file) {
        this.file = file;
    }

    /** Appends whole rows; full chunks are encoded and written at once. */
    void appendRows(ChunkedDataset ds, byte[] src, int off, int rows) throws IOException {
        int chunkBytes = ds.rowBytes * ds.chunkRows;
        int pos = off;
        for (int r = 0; r < rows; ) {
            if (ds.pendingRows == 0 && rows - r >= ds.chunkRows) {
                writeChunk(ds, src, pos, chunkBytes);
                pos += chunkBytes;
                r += ds.chunkRows;
                ds.rows += ds.chunkRows;
                continue;
            }
            if (ds.pending.length != chunkBytes) {
                ds.pending = new byte[chunkBytes];
            }
            int take = Math.min(rows - r, ds.chunkRows - ds.pendingRows);
            System.arraycopy(src, pos, ds.pending, ds.pendingRows * ds.rowBytes, take * ds.rowBytes);
            ds.pendingRows += take;
            ds.rows += take;
            pos += take * ds.rowBytes;
            r += take;
            if (ds.pendingRows == ds.chunkRows) {
                writeChunk(ds, ds.pending, 0, chunkBytes);
                ds.pendingRows = 0;
            }
        }
    }

    /** Appends one chunk already encoded with the dataset's filter. */
    void appendEncodedChunk(ChunkedDataset ds, byte[] encoded, int off, int len) throws IOException {
        if (ds.pendingRows != 0) {
            throw new IllegalStateException(ds.path + ": cannot mix encoded chunks with partial row chunks");
        }
        long addr = file.append(encoded, off, len);
        ds.addChunk(addr, len);
        ds.rows += ds.chunkRows;
    }

    /** Writes the partly filled chunk, if any, padded with zeros (when the file is completed). */
    void flushPending(ChunkedDataset ds) throws IOException {
        if (ds.pendingRows > 0) {
            Arrays.fill(ds.pending, ds.pendingRows * ds.rowBytes, ds.pending.length, (byte) 0);
            writeChunk(ds, ds.pending, 0, ds.pending.length);
            ds.pendingRows = 0;
        }
    }

    private void writeChunk(ChunkedDataset ds, byte[] src, int off, int len) throws IOException {
        ChunkEncoder enc = encoders.computeIfAbsent(ds, d -> d.compression.newEncoder());
        if (enc == null) {
            ds.addChunk(file.append(src, off, len), len);
            return;
        }
        int max = enc.maxEncodedLength(len, ds.type.size());
        if (encodeBuffer.length < max) {
            encodeBuffer = new byte[max];
        }
        int n = enc.encode(src, off, len, ds.type.size(), encodeBuffer);
        ds.addChunk(file.append(encodeBuffer, 0, n), n);
    }
}
