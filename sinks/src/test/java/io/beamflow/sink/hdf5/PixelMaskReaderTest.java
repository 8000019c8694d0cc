package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.DebianPython;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixel mask files as numpy, fabio (TIFF) and h5py write them ({@code write_masks.py}) read back value for value,
 * and files of another size, of negative or non-integer values, or cut short refused with a reason.
 */
class PixelMaskReaderTest {
    static final int W = 64;
    static final int H = 48;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeMasks() throws IOException {
        DebianPython.run(NxmxReadersTest.resource("write_masks.py"), 120, dir.toString(), "" + H, "" + W).orThrow();
    }

    static int[] expected(boolean asBool) {
        int[] v = new int[W * H];
        for (int r = 0; r < H; r++) {
            for (int c = 0; c < W; c++) {
                int x = (r * 7 + c * 3) % 5;
                v[r * W + c] = asBool ? (x > 2 ? 1 : 0) : x;
            }
        }
        return v;
    }

    private static int[] read(String name) throws IOException {
        return PixelMaskReader.read(dir.resolve(name), "/pixel_mask", W, H);
    }

    @Test
    void shouldReadNumpyArraysInEitherOrderAndOfEachIntegerType() throws IOException {
        assertArrayEquals(expected(false), read("c_uint32.npy"));
        assertArrayEquals(expected(false), read("fortran_uint16.npy"));
        assertArrayEquals(expected(false), read("uint8.npy"));
        assertArrayEquals(expected(true), read("bool.npy"));
    }

    @Test
    void shouldReadTiffFilesAsFabioWritesThem() throws IOException {
        assertArrayEquals(expected(false), read("uint32.tif"));
        assertArrayEquals(expected(false), read("uint16.tif"));
    }

    @Test
    void shouldReadTheConfiguredDatasetOfAnHdf5File() throws IOException {
        assertArrayEquals(expected(false), read("mask.h5"));
        assertArrayEquals(expected(false),
                PixelMaskReader.read(dir.resolve("mask.h5"), "/entry/instrument/detector/pixel_mask", W, H));
        IOException e = assertThrows(IOException.class,
                () -> PixelMaskReader.read(dir.resolve("mask.h5"), "/no/such", W, H));
        assertTrue(e.getMessage().contains("/no/such"), e.getMessage());
    }

    @Test
    void shouldRejectAMaskOfAnotherSizeNamingBothSizes() {
        for (String name : new String[] {"small.npy", "small.tif"}) {
            IOException e = assertThrows(IOException.class, () -> read(name));
            assertTrue(e.getMessage().contains("is 10x10") && e.getMessage().contains("the image 64x48"),
                    e.getMessage());
        }
    }

    @Test
    void shouldRejectNegativeFloatTruncatedAndMissingFiles() {
        assertTrue(assertThrows(IOException.class, () -> read("negative_int32.npy")).getMessage()
                .contains("the value -1"));
        assertTrue(assertThrows(IOException.class, () -> read("float.npy")).getMessage()
                .contains("not an integer mask type"));
        assertTrue(assertThrows(IOException.class, () -> read("truncated.npy")).getMessage()
                .contains("data bytes"));
        assertTrue(assertThrows(IOException.class, () -> read("missing.npy")).getMessage()
                .contains("does not exist"));
        assertEquals(W * H, expected(false).length);
    }
}
