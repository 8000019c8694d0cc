package io.beamflow.sink.hdf5;

import java.nio.charset.StandardCharsets;

/**
 * Encodes a {@link VirtualDataset}'s mapping as the HDF5 file format stores it: a global heap collection
 * holding one "virtual dataset global heap block" (version 0: source file and dataset names, source selection
 * "all", virtual selection a hyperslab of version 1), referenced by a data layout message of version 4,
 * class virtual. The format libhdf5 1.10+ reads and writes (h5py's {@code create_virtual_dataset}).
 */
final class VirtualDatasetEncoder {
    /** libhdf5 reads a global heap collection's first 4096 bytes before its size: never write a smaller one. */
    static final int MIN_COLLECTION_SIZE = 4096;
    private static final int HEAP_HEADER = 16;
    private static final int OBJECT_HEADER = 16;
    private static final int SEL_HYPERSLABS = 2;
    private static final int SEL_ALL = 3;

    private VirtualDatasetEncoder() {
    }

    /** @return the global heap collection ("GCOL") whose object 1 is the mapping */
    static byte[] globalHeapCollection(VirtualDataset v) {
        byte[] block = mappingBlock(v);
        int aligned = (block.length + 7) & ~7;
        int used = HEAP_HEADER + OBJECT_HEADER + aligned;
        int size = Math.max(MIN_COLLECTION_SIZE, used + OBJECT_HEADER);
        LeBuffer b = new LeBuffer(size);
        b.ascii("GCOL").u8(1).u8(0).u8(0).u8(0).u64(size);
        b.u16(1).u16(0).u32(0).u64(block.length).bytes(block).zeros(aligned - block.length);
        // object 0: the free space, its size counting its own header
        b.u16(0).u16(0).u32(0).u64(size - used);
        b.zeros(size - b.size());
        return b.toArray();
    }

    /** @return the body of the data layout message (version 4, class virtual) for a heap written at an address */
    static LeBuffer layoutMessage(long heapAddress) {
        return new LeBuffer().u8(4).u8(3).u64(heapAddress).u32(1);
    }

    /** The virtual dataset global heap block, version 0, with its checksum. */
    static byte[] mappingBlock(VirtualDataset v) {
        LeBuffer b = new LeBuffer();
        b.u8(0).u64(v.sources.size());
        long row = 0;
        int rank = v.dims.length;
        for (VirtualSource s : v.sources) {
            b.bytes((s.file() + "\0").getBytes(StandardCharsets.UTF_8));
            b.bytes((s.dataset() + "\0").getBytes(StandardCharsets.UTF_8));
            // source selection: all of the source dataset
            b.u32(SEL_ALL).u32(1).u32(0).u32(0);
            // virtual selection: one block [row, 0, ...] .. [row + rows - 1, dims - 1, ...] (version 1: 32-bit)
            b.u32(SEL_HYPERSLABS).u32(1).u32(0).u32(4 + 4 + 8L * rank).u32(rank).u32(1);
            b.u32(u32(row, "first row"));
            for (int i = 1; i < rank; i++) {
                b.u32(0);
            }
            b.u32(u32(row + s.rows() - 1, "last row"));
            for (int i = 1; i < rank; i++) {
                b.u32(u32(v.dims[i] - 1, "dimension"));
            }
            row += s.rows();
        }
        if (row != v.dims[0]) {
            throw new IllegalArgumentException("virtual dataset: sources hold " + row + " rows, dims say " + v.dims[0]);
        }
        return b.checksumFrom(0).toArray();
    }

    private static long u32(long v, String what) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("virtual dataset: " + what + " " + v + " does not fit a version-1 selection");
        }
        return v;
    }
}
