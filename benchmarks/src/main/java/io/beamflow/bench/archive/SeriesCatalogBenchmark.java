package io.beamflow.bench.archive;

import io.beamflow.app.catalog.SeriesCatalogRecorder;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.io.FileTrees;
import io.beamflow.core.result.FrameResult;
import io.beamflow.sink.hdf5.Compression;
import io.beamflow.sink.hdf5.FilePublisher;
import io.beamflow.sink.hdf5.FrameCompressor;
import io.beamflow.sink.hdf5.Hdf5Committable;
import io.beamflow.sink.hdf5.Hdf5SinkSettings;
import io.beamflow.sink.hdf5.NexusSeriesWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What recording a committed series in the catalog costs, on one series of about 1 GB: the HDF5 writer writes it
 * (uncompressed random pixels, so file bytes = frame bytes), then, per round, Python's {@code zlib.adler32} over
 * every file of the series (the baseline: the same checksum in C, the least the work can cost) and
 * {@link SeriesCatalogRecorder#record} (read the master's accounting, ADLER32 of every file, upsert into a fresh
 * SQLite catalog), each timed; the files are in the page cache, as right after their commit.
 *
 * <p>Usage: {@code bench io.beamflow.bench.archive.SeriesCatalogBenchmark [workDir=target/bench-catalog] [MiB=1024]
 * [rounds=3]}
 */
public final class SeriesCatalogBenchmark {
    private static final int WIDTH = 1024;
    private static final int HEIGHT = 1024;

    private SeriesCatalogBenchmark() {
    }

    /**
     * @param args workDir, MiB, rounds
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/bench-catalog").toAbsolutePath();
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        if (Files.exists(work)) {
            FileTrees.deleteRecursively(work);
        }
        Path root = work.resolve("root");
        int frames = mib / 2;
        Hdf5SinkSettings settings = new Hdf5SinkSettings(root.toString(), "bench", 64, Compression.NONE, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        long t0 = System.nanoTime();
        Path master = null;
        try (FrameCompressor compressor = new FrameCompressor(Compression.NONE, 0)) {
            NexusSeriesWriter w = NexusSeriesWriter.start(settings, "bench", "{}", compressor);
            SplittableRandom rnd = new SplittableRandom(17);
            byte[] px = new byte[WIDTH * HEIGHT * 2];
            for (int i = 0; i < frames; i++) {
                for (int j = 0; j < px.length; j += 8) {
                    long v = rnd.nextLong();
                    for (int k = 0; k < 8; k++) {
                        px[j + k] = (byte) (v >>> (8 * k));
                    }
                }
                FrameResult r = new FrameResult();
                r.seriesId = "bench";
                r.frameNumber = i + 1;
                r.width = WIDTH;
                r.height = HEIGHT;
                r.pixelType = PixelType.UINT16;
                r.pixels = px;
                w.frame(r);
            }
            w.finish(frames);
            for (Hdf5Committable c : w.drainCompleted()) {
                FilePublisher.publish(c);
                if (c.isMaster()) {
                    master = c.target();
                }
            }
        }
        if (master == null) {
            throw new IllegalStateException("no master file committed");
        }
        Path dir = master.getParent();
        long bytes = 0;
        int files = 0;
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                bytes += Files.size(p);
                files++;
            }
        }
        System.out.printf(Locale.ROOT, "series: %d frames, %d files, %.3f GB, written in %.1f s%n", frames, files,
                bytes / 1e9, (System.nanoTime() - t0) / 1e9);
        new ProcessBuilder("sync").inheritIO().start().waitFor();

        String py = "import os, sys, zlib\n"
                + "d = sys.argv[1]\n"
                + "for n in sorted(os.listdir(d)):\n"
                + "    a = 1\n"
                + "    with open(os.path.join(d, n), 'rb', buffering=0) as f:\n"
                + "        while True:\n"
                + "            b = f.read(1 << 20)\n"
                + "            if not b: break\n"
                + "            a = zlib.adler32(b, a)\n"
                + "    print(n, '%08x' % a)\n";
        List<double[]> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            long p0 = System.nanoTime();
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", py, dir.toString()).redirectErrorStream(true).start();
            String pyOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("python failed: " + pyOut);
            }
            double pySeconds = (System.nanoTime() - p0) / 1e9;

            Path db = work.resolve("catalog-" + round + ".db");
            double openSeconds;
            double recordSeconds;
            long o0 = System.nanoTime();
            try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + db, Clock.systemUTC())) {
                openSeconds = (System.nanoTime() - o0) / 1e9;
                long r0 = System.nanoTime();
                SeriesCatalogRecorder.record(catalog, root, master);
                recordSeconds = (System.nanoTime() - r0) / 1e9;
                String key = root.relativize(dir).toString();
                for (var f : catalog.seriesFiles(key)) {
                    String name = Path.of(f.path()).getFileName().toString();
                    if (!pyOut.contains(name + " " + f.adler32())) {
                        throw new IllegalStateException("ADLER32 of " + name + " differs from Python's: " + pyOut);
                    }
                }
            }
            results.add(new double[] {pySeconds, recordSeconds, openSeconds});
            System.out.printf(Locale.ROOT,
                    "round %d: python zlib.adler32 %.3f s (%.0f MB/s) | catalog record %.3f s (%.0f MB/s), "
                            + "catalog open %.3f s | ratio python/record %.2f%n", round, pySeconds,
                    bytes / 1e6 / pySeconds, recordSeconds, bytes / 1e6 / recordSeconds, openSeconds,
                    pySeconds / recordSeconds);
        }
        double bestPy = results.stream().mapToDouble(r -> r[0]).min().orElseThrow();
        double bestRec = results.stream().mapToDouble(r -> r[1]).min().orElseThrow();
        System.out.printf(Locale.ROOT, "best: python %.3f s, record %.3f s (%.0f MB/s), ratio %.2f%n", bestPy, bestRec,
                bytes / 1e6 / bestRec, bestPy / bestRec);
    }

}
