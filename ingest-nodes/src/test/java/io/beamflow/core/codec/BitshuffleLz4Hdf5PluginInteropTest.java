package io.beamflow.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.DebianPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pipeline-core's bitshuffle/LZ4 codec against the reference HDF5 filter (h5py + hdf5plugin). It lives in
 * ingest-nodes, the first module that decodes detector data with it, because it needs test-support
 * (Debian's Python), and test-support depends on pipeline-core (the native test sender).
 */
class BitshuffleLz4Hdf5PluginInteropTest {
    @TempDir
    Path dir;

    private static byte[] detectorLike(int elements, int elementSize, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = new byte[elements * elementSize];
        for (int i = 0; i < elements; i++) {
            long v = r.nextInt(8) + (r.nextInt(1000) == 0 ? r.nextInt(60000) : 0);
            for (int k = 0; k < elementSize; k++) {
                b[i * elementSize + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    /** libhdf5 + hdf5plugin (the reference bitshuffle filter) must read our chunks, and we theirs. */
    @Test
    void shouldInteroperateWithHdf5PluginBitshuffleFilter() throws Exception {
        int h = 517;
        int w = 1031;
        byte[] raw = detectorLike(h * w, 2, 11);
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        byte[] packed = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
        int n = codec.compress(raw, 0, raw.length, 2, packed, 0);
        Path rawFile = dir.resolve("raw.bin");
        Path ours = dir.resolve("ours.bin");
        Path theirs = dir.resolve("theirs.bin");
        Files.write(rawFile, raw);
        Files.write(ours, Arrays.copyOf(packed, n));
        String script = String.join("\n",
                "import sys, numpy as np, h5py, hdf5plugin",
                "raw, ours, theirs, h5, h, w = sys.argv[1:7]; h = int(h); w = int(w)",
                "a = np.fromfile(raw, dtype='<u2').reshape(h, w)",
                "with h5py.File(h5, 'w') as f:",
                "    ref = f.create_dataset('ref', data=a, chunks=(h, w), **hdf5plugin.Bitshuffle(nelems=0, cname='lz4'))",
                "    open(theirs, 'wb').write(ref.id.read_direct_chunk((0, 0))[1])",
                "    d = f.create_dataset('ours', shape=(h, w), dtype='<u2', chunks=(h, w), **hdf5plugin.Bitshuffle(nelems=0, cname='lz4'))",
                "    d.id.write_direct_chunk((0, 0), open(ours, 'rb').read())",
                "with h5py.File(h5, 'r') as f:",
                "    assert np.array_equal(f['ours'][...], a), 'libhdf5 decoded our chunk differently'",
                "print('OK')");
        String out = DebianPython.run(script, 60, rawFile.toString(), ours.toString(), theirs.toString(),
                dir.resolve("x.h5").toString(), Integer.toString(h), Integer.toString(w)).orThrow();
        assertTrue(out.contains("OK"), out);
        byte[] ref = Files.readAllBytes(theirs);
        byte[] back = new byte[raw.length];
        assertEquals(raw.length, codec.decompress(ref, 0, ref.length, 2, back, 0));
        assertArrayEquals(raw, back);
    }
}
