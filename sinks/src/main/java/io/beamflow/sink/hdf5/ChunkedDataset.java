package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;

/**
 * Handle of a dataset growing along its first dimension, one filtered chunk at a time
 * ({@link Hdf5FileWriter#chunkedDataset}): its shape, its partly filled chunk, and its chunk index (address and
 * stored size of each chunk written, 12 bytes per chunk).
 */
public final class ChunkedDataset extends Hdf5FileModel.Node {
    private static final long serialVersionUID = 1L;
    String path;
    H5Type type;
    long[] rowDims;
    int rowBytes;
    int chunkRows;
    Compression compression;
    long rows;
    int chunkCount;
    long[] chunkAddress = new long[16];
    int[] chunkSize = new int[16];
    byte[] pending;
    int pendingRows;

    ChunkedDataset() {
    }

    /**
     * Java serialization (version-1 snapshots) keeps only the used part of the partial chunk. Checkpoints are written
     * by {@link Hdf5FileStateCodec} now; this method stays because its presence is part of the class's serialization
     * descriptor, which version-1 snapshots are read with.
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        byte[] full = pending;
        pending = Arrays.copyOf(full, Math.min(full.length, pendingRows * rowBytes));
        try {
            out.defaultWriteObject();
        } finally {
            pending = full;
        }
    }

    /** Snapshots of version 1 (Java serialization) kept only the used part of the partial chunk. */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (pendingRows > 0) {
            pending = Arrays.copyOf(pending, rowBytes * chunkRows);
        }
    }

    void addChunk(long address, int size) {
        if (chunkCount == chunkAddress.length) {
            chunkAddress = Arrays.copyOf(chunkAddress, chunkCount * 2);
            chunkSize = Arrays.copyOf(chunkSize, chunkCount * 2);
        }
        chunkAddress[chunkCount] = address;
        chunkSize[chunkCount] = size;
        chunkCount++;
    }

    /** @return rows written so far (including rows waiting in a partial chunk) */
    public long rows() {
        return rows;
    }

    /** @return bytes of one row */
    public int rowBytes() {
        return rowBytes;
    }

    /** @return the chunk filter */
    public Compression compression() {
        return compression;
    }

    /** @return stored bytes of all chunks written so far */
    public long storedBytes() {
        long s = 0;
        for (int i = 0; i < chunkCount; i++) {
            s += chunkSize[i];
        }
        return s;
    }
}
