package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a chunked dataset's chunk index as a version-1 B-tree (node type 1, "raw data chunks"), the index every
 * HDF5 reader understands: full leaf nodes of {@value #BTREE_TWO_K} chunks, keyed by chunk offset and stored size,
 * and as many levels above them as needed, written bottom-up.
 */
final class ChunkIndexWriter {
    /** Fan-out of the version-1 B-tree chunk index (2K with the default K = 32). */
    static final int BTREE_TWO_K = 64;

    private final FileAppender file;

    ChunkIndexWriter(FileAppender file) {
        this.file = file;
    }

    /** @return the root node's address, or {@link LeBuffer#UNDEFINED} when the dataset has no chunk */
    long write(ChunkedDataset d) throws IOException {
        int n = d.chunkCount;
        if (n == 0) {
            return LeBuffer.UNDEFINED;
        }
        int ndims = d.rowDims.length + 2;
        // level 0: keys are the chunk offsets, children the chunk addresses
        List<long[]> level = new ArrayList<>(); // per node: {address, firstChunk, lastChunkExclusive}
        for (int start = 0; start < n; start += BTREE_TWO_K) {
            int end = Math.min(n, start + BTREE_TWO_K);
            LeBuffer node = nodeHeader(0, end - start);
            for (int i = start; i < end; i++) {
                chunkKey(node, d, i, ndims);
                node.u64(d.chunkAddress[i]);
            }
            chunkKey(node, d, end, ndims);
            level.add(new long[] {finishNode(node, ndims), start, end});
        }
        int height = 0;
        while (level.size() > 1) {
            height++;
            List<long[]> up = new ArrayList<>();
            for (int start = 0; start < level.size(); start += BTREE_TWO_K) {
                int end = Math.min(level.size(), start + BTREE_TWO_K);
                LeBuffer node = nodeHeader(height, end - start);
                for (int i = start; i < end; i++) {
                    chunkKey(node, d, (int) level.get(i)[1], ndims);
                    node.u64(level.get(i)[0]);
                }
                chunkKey(node, d, (int) level.get(end - 1)[2], ndims);
                up.add(new long[] {finishNode(node, ndims), level.get(start)[1], level.get(end - 1)[2]});
            }
            level = up;
        }
        return level.get(0)[0];
    }

    private static LeBuffer nodeHeader(int nodeLevel, int entries) {
        return new LeBuffer(4096).ascii("TREE").u8(1).u8(nodeLevel).u16(entries)
                .u64(LeBuffer.UNDEFINED).u64(LeBuffer.UNDEFINED);
    }

    /** Pads the node to its full size (2K entries, 2K + 1 keys) and appends it. */
    private long finishNode(LeBuffer node, int ndims) throws IOException {
        int keySize = 8 + 8 * ndims;
        int full = 24 + BTREE_TWO_K * 8 + (BTREE_TWO_K + 1) * keySize;
        node.zeros(full - node.size());
        return file.append(node.array(), 0, node.size());
    }

    /** Key of a chunk: its stored size, filter mask 0, its offset (first row; whole rows, so 0 in the others). */
    private static void chunkKey(LeBuffer b, ChunkedDataset d, int chunk, int ndims) {
        b.u32(chunk < d.chunkCount ? d.chunkSize[chunk] : 0).u32(0);
        b.u64((long) chunk * d.chunkRows);
        for (int i = 1; i < ndims; i++) {
            b.u64(0);
        }
    }
}
