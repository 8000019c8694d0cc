package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lays out a file model on disk when the file is completed: the object headers of its groups and datasets, children
 * before their group (depth first, in the order they were added), each dataset's last partial chunk and chunk index
 * before its header, then the superblock (version 2) at offset 0 pointing at the root group.
 */
final class Hdf5MetadataWriter {
    static final int SUPERBLOCK_SIZE = 48;
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final FileAppender file;
    private final ChunkAppender chunks;
    private final ChunkIndexWriter index;

    Hdf5MetadataWriter(FileAppender file, ChunkAppender chunks) {
        this.file = file;
        this.chunks = chunks;
        this.index = new ChunkIndexWriter(file);
    }

    /** Writes the tree under the root and the superblock. */
    void write(Hdf5FileModel.GroupNode root) throws IOException {
        long rootAddress = writeObject(root);
        file.writeAt(0, superblock(file.eof(), rootAddress));
    }

    /** @return superblock version 2: 8-byte offsets and lengths, base 0, no extension, end of file, root group */
    static byte[] superblock(long eof, long rootAddress) {
        LeBuffer sb = new LeBuffer(SUPERBLOCK_SIZE);
        sb.bytes(SIGNATURE).u8(2).u8(8).u8(8).u8(0);
        sb.u64(0).u64(LeBuffer.UNDEFINED).u64(eof).u64(rootAddress);
        sb.checksumFrom(0);
        return sb.toArray();
    }

    private long writeObject(Hdf5FileModel.Node node) throws IOException {
        ObjectHeader oh = new ObjectHeader();
        if (node instanceof Hdf5FileModel.GroupNode g) {
            Map<String, Long> addresses = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : g.children.entrySet()) {
                if (e.getValue() instanceof Hdf5FileModel.Node child) {
                    addresses.put(e.getKey(), writeObject(child));
                }
            }
            oh.linkInfo().groupInfo();
            for (Map.Entry<String, Object> e : g.children.entrySet()) {
                if (e.getValue() instanceof Hdf5FileModel.ExternalLink x) {
                    oh.externalLink(e.getKey(), x.file(), x.objectPath());
                } else {
                    oh.hardLink(e.getKey(), addresses.get(e.getKey()));
                }
            }
        } else if (node instanceof Hdf5FileModel.ContiguousDataset d) {
            oh.dataspace(d.dims).datatype(d.type).fillValue(ObjectHeader.FILL_EARLY_NEVER);
            oh.contiguousLayout(d.address, d.size);
        } else if (node instanceof VirtualDataset v) {
            byte[] heap = VirtualDatasetEncoder.globalHeapCollection(v);
            long heapAddress = file.append(heap, 0, heap.length);
            oh.dataspace(v.dims).datatype(v.type).fillValue(ObjectHeader.FILL_EARLY_NEVER);
            oh.virtualLayout(heapAddress);
        } else {
            ChunkedDataset d = (ChunkedDataset) node;
            chunks.flushPending(d);
            long[] dims = new long[d.rowDims.length + 1];
            dims[0] = d.rows;
            System.arraycopy(d.rowDims, 0, dims, 1, d.rowDims.length);
            long btree = index.write(d);
            oh.dataspace(dims).datatype(d.type).fillValue(ObjectHeader.FILL_INCREMENTAL_NEVER);
            oh.chunkedLayout(btree, d.chunkRows, d.rowDims, d.type.size());
            oh.filterPipeline(d.compression, d.type.size());
        }
        for (Hdf5FileModel.Attribute a : node.attributes) {
            oh.attribute(a);
        }
        LeBuffer encoded = oh.encode();
        return file.append(encoded.array(), 0, encoded.size());
    }
}
