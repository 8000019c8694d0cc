package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.DebianPython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Virtual datasets as libhdf5 (h5py, h5dump) reads them, on files {@link Hdf5FileWriter} writes. */
class VirtualDatasetTest {
    static final int W = 5;
    static final int H = 3;

    @TempDir
    Path dir;

    /** Source file i holds rows[i] rows whose every value is 1000 * i + row. */
    private List<VirtualSource> sources(int[] rows) throws IOException {
        List<VirtualSource> out = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            String name = String.format("src_%06d.h5", i + 1);
            try (Hdf5FileWriter wr = Hdf5FileWriter.create(dir.resolve(name))) {
                ChunkedDataset ds = wr.chunkedDataset("/entry/data/data", H5Type.UINT32,
                        new long[] {H, W}, 1, Compression.DEFLATE);
                for (int r = 0; r < rows[i]; r++) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * W * H).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (int p = 0; p < W * H; p++) {
                        b.putInt(1000 * (i + 1) + r);
                    }
                    wr.appendRows(ds, b.array(), 0, 1);
                }
            }
            out.add(new VirtualSource(name, "/entry/data/data", rows[i]));
        }
        return out;
    }

    private Path master(List<VirtualSource> sources) throws IOException {
        Path m = dir.resolve("master.h5");
        try (Hdf5FileWriter wr = Hdf5FileWriter.create(m)) {
            wr.attribute("/", "creator", "test");
            wr.virtualDataset("/entry/data/data", H5Type.UINT32, new long[] {H, W}, sources);
            wr.stringDataset("/entry/after", "written after the heap");
        }
        return m;
    }

    /** Row values read by h5py through the VDS: first value of each row, and whether the row is uniform. */
    private String readRows(Path m) {
        return DebianPython.run(String.join("\n",
                "import sys, h5py, numpy as np",
                "f = h5py.File(sys.argv[1], 'r')",
                "d = f['/entry/data/data']",
                "assert d.is_virtual and d.dtype == np.dtype('<u4'), d.dtype",
                "a = d[()]",
                "assert all((a[i] == a[i, 0, 0]).all() for i in range(a.shape[0]))",
                "print(a.shape, f['/entry/after'][()].decode())",
                "print(' '.join(str(int(v)) for v in a[:, 0, 0]))"), 120, m.toString()).orThrow();
    }

    @Test
    void stacksSourceFilesInOrder() throws Exception {
        Path m = master(sources(new int[] {3, 1, 2}));
        assertEquals("(6, 3, 5) written after the heap\n1000 1001 1002 2000 3000 3001\n", readRows(m));
        String header = SeriesFixture.h5dump("-p", "-H", m.toString());
        assertTrue(header.contains("START (4,0,0)") && header.contains("BLOCK (2,3,5)")
                && header.contains("FILE \"src_000003.h5\""), header);
    }

    @Test
    void aMappingLargerThanTheSmallestHeapCollectionIsRead() throws Exception {
        int[] rows = new int[150]; // about 150 x 100 bytes of mapping: several times the 4096-byte minimum
        java.util.Arrays.fill(rows, 1);
        List<VirtualSource> src = sources(rows);
        assertTrue(VirtualDatasetEncoder.mappingBlock(new VirtualDataset(H5Type.UINT32, new long[] {150, H, W}, src))
                .length > 2 * VirtualDatasetEncoder.MIN_COLLECTION_SIZE);
        String[] out = readRows(master(src)).split("\n");
        assertEquals("(150, 3, 5) written after the heap", out[0]);
        StringBuilder expect = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            expect.append(i == 0 ? "" : " ").append(1000 * (i + 1));
        }
        assertEquals(expect.toString(), out[1]);
    }

    @Test
    void aMissingSourceReadsAsZerosAndTheOthersStillRead() throws Exception {
        List<VirtualSource> src = sources(new int[] {2, 2});
        Path m = master(src);
        Files.delete(dir.resolve("src_000001.h5"));
        assertEquals("(4, 3, 5) written after the heap\n0 0 2000 2001\n", readRows(m));
    }

    @Test
    void rowsThatDoNotAddUpAreRefused() {
        VirtualDataset v = new VirtualDataset(H5Type.UINT32, new long[] {5, H, W},
                List.of(new VirtualSource("a.h5", "/d", 2)));
        assertThrows(IllegalArgumentException.class, () -> VirtualDatasetEncoder.mappingBlock(v));
    }

    @Test
    void aSnapshotWithAVirtualDatasetIsRefusedWithTheReason() throws Exception {
        try (Hdf5FileWriter wr = Hdf5FileWriter.create(dir.resolve("snap.h5"))) {
            wr.virtualDataset("/entry/data/data", H5Type.UINT16, new long[] {H, W},
                    List.of(new VirtualSource("a.h5", "/d", 2)));
            IOException e = assertThrows(IOException.class, wr::snapshot);
            assertTrue(e.getMessage().contains("virtual dataset"), e.getMessage());
        }
    }
}
