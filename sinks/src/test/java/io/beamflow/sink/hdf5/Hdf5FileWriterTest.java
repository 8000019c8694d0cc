package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.DebianPython;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5FileWriterTest {
    @TempDir
    Path dir;

    static byte[] frame(int seed, int w, int h) {
        Random r = new Random(seed);
        ByteBuffer b = ByteBuffer.allocate(w * h * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < w * h; i++) {
            b.putShort((short) (r.nextInt(20) + (i % 97 == 0 ? 30000 : 0)));
        }
        return b.array();
    }

    private void writeFrames(Path file, Compression c, int frames, int w, int h) throws Exception {
        try (Hdf5FileWriter wr = Hdf5FileWriter.create(file)) {
            wr.group("/entry/data").attribute("/entry", "NX_class", "NXentry");
            ChunkedDataset ds = wr.chunkedDataset("/entry/data/data", H5Type.UINT16,
                    new long[] {h, w}, 1, c);
            ChunkedDataset nr = wr.chunkedDataset("/entry/data/frame_number", H5Type.INT64,
                    new long[0], 7, Compression.NONE);
            for (int i = 0; i < frames; i++) {
                byte[] f = frame(i, w, h);
                wr.appendRows(ds, f, 0, 1);
                wr.appendRows(nr, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(i + 1).array(), 0, 1);
            }
            wr.attribute("/entry/data/data", "units", "counts");
            wr.stringDataset("/entry/series_id", "series-1");
            wr.scalarDataset("/entry/instrument/detector/x_pixel_size", 75e-6, "m");
            wr.externalLink("/entry/link", "other.h5", "/entry/data/data");
        }
    }

    static final String CHECK = String.join("\n",
            "import sys, h5py, numpy as np",
            "f = h5py.File(sys.argv[1], 'r')",
            "d = f['/entry/data/data']",
            "n, h, w = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])",
            "assert d.shape == (n, h, w), d.shape",
            "assert d.chunks == (1, h, w), d.chunks",
            "for i in range(n):",
            "    rs = np.random.RandomState(0)",
            "    a = d[i]",
            "    print(i, int(a.astype(np.int64).sum()), int(a[0,0]), int(a[-1,-1]))",
            "print('frame_number', list(f['/entry/data/frame_number'][:]))",
            "print('series', f['/entry/series_id'][()].decode())",
            "print('pix', f['/entry/instrument/detector/x_pixel_size'][()], f['/entry/instrument/detector/x_pixel_size'].attrs['units'].decode())",
            "print('nx', f['/entry'].attrs['NX_class'].decode())",
            "print('compression', d.compression, d._filters)",
            "");

    private void verify(Path file, int n, int w, int h) {
        String out = DebianPython.run(CHECK, 120, file.toString(), "" + n, "" + h, "" + w).orThrow();
        String[] lines = out.split("\n");
        for (int i = 0; i < n; i++) {
            byte[] f = frame(i, w, h);
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            long sum = 0;
            for (int p = 0; p < w * h; p++) {
                sum += b.getShort(2 * p) & 0xffff;
            }
            String expect = i + " " + sum + " " + (b.getShort(0) & 0xffff) + " " + (b.getShort(2 * (w * h - 1)) & 0xffff);
            assertEquals(expect, lines[i]);
        }
        StringBuilder nums = new StringBuilder("frame_number [");
        for (int i = 0; i < n; i++) {
            nums.append(i == 0 ? "" : ", ").append(i + 1);
        }
        assertEquals(nums + "]", lines[n]);
        assertEquals("series series-1", lines[n + 1]);
        assertEquals("pix 7.5e-05 m", lines[n + 2]);
        assertEquals("nx NXentry", lines[n + 3]);
    }

    @Test
    void shouldWriteUncompressedChunksReadableByH5py() throws Exception {
        Path f = dir.resolve("none.h5");
        writeFrames(f, Compression.NONE, 5, 64, 48);
        verify(f, 5, 64, 48);
    }

    @Test
    void shouldWriteDeflateChunksReadableByH5pyAndH5dump() throws Exception {
        Path f = dir.resolve("deflate.h5");
        writeFrames(f, Compression.DEFLATE, 70, 32, 16);
        verify(f, 70, 32, 16);
        Process p = new ProcessBuilder("h5dump", "-H", "-p", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("DEFLATE"), out);
    }

    @Test
    void shouldResumeFromASnapshotTakenAfterScalarAttributesAndDatasetsWereAdded() throws Exception {
        Path f = dir.resolve("scalars.h5");
        Hdf5FileWriter wr = Hdf5FileWriter.create(f);
        wr.group("/entry/data").attribute("/entry", "NX_class", "NXentry").attribute("/entry", "count", 3L);
        wr.stringDataset("/entry/definition", "NXmx");
        wr.scalarDataset("/entry/distance", 0.25, "m");
        ChunkedDataset nr = wr.chunkedDataset("/entry/data/frame_number", H5Type.INT64, new long[0], 7,
                Compression.NONE);
        wr.appendRows(nr, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array(), 0, 1);
        byte[] snapshot = wr.snapshot();
        wr.release();
        Hdf5FileWriter resumed = Hdf5FileWriter.resume(snapshot);
        resumed.appendRows(resumed.chunked("/entry/data/frame_number"),
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(2).array(), 0, 1);
        resumed.close();
        String out = DebianPython.run(String.join("\n",
                "import sys, h5py",
                "f = h5py.File(sys.argv[1], 'r')",
                "print(f['/entry'].attrs['NX_class'].decode(), int(f['/entry'].attrs['count']),",
                "      f['/entry/definition'][()].decode(), float(f['/entry/distance'][()]),",
                "      f['/entry/distance'].attrs['units'].decode(), list(f['/entry/data/frame_number'][:]))"),
                120, f.toString()).orThrow();
        assertEquals("NXentry 3 NXmx 0.25 m [1, 2]", out.strip());
    }

    @Test
    void shouldStayReadableWhenDataIsWrittenBackInTheBackgroundDuringWriting() throws Exception {
        Path f = dir.resolve("large.h5");
        int frames = (int) (Hdf5FileWriter.BACKGROUND_SYNC_BYTES / (1024 * 512 * 2)) + 6;
        writeFrames(f, Compression.NONE, frames, 1024, 512);
        assertTrue(Files.size(f) > Hdf5FileWriter.BACKGROUND_SYNC_BYTES);
        verify(f, frames, 1024, 512);
    }
}
