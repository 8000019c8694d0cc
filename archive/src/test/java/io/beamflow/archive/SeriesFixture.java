package io.beamflow.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Creates series directories the way the HDF5 sink lays them out, with arbitrary (seeded random) bytes. */
final class SeriesFixture {
    private SeriesFixture() {
    }

    /**
     * Writes {@code <root>/<beamtime>/<id>/<id>_data_00000N.h5} ({@code dataFiles} files) and the master file.
     *
     * @return the files written, master last
     */
    static List<Path> write(Path root, String beamtime, String id, int dataFiles, int bytesPerFile, long seed)
            throws IOException {
        Path dir = Files.createDirectories(root.resolve(beamtime).resolve(id));
        Random rnd = new Random(seed);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= dataFiles; i++) {
            files.add(randomFile(dir.resolve(String.format("%s_data_%06d.h5", id, i)), bytesPerFile, rnd));
        }
        files.add(randomFile(dir.resolve(id + "_master.h5"), 4096 + rnd.nextInt(4096), rnd));
        return files;
    }

    static Path randomFile(Path f, long bytes, Random rnd) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(f)) {
            long left = bytes;
            while (left > 0) {
                rnd.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return f;
    }

    /** Flips one byte in the middle of a file, keeping its size. */
    static void corrupt(Path f) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            long pos = ch.size() / 2;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, pos);
            b.flip();
            byte v = b.get(0);
            b.clear();
            b.put((byte) (v ^ 0x5a)).flip();
            ch.write(b, pos);
        }
    }
}
