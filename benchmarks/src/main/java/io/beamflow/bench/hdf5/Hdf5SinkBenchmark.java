package io.beamflow.bench.hdf5;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.io.FileTrees;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.sink.hdf5.Compression;
import io.beamflow.sink.hdf5.FilePublisher;
import io.beamflow.sink.hdf5.FrameCompressor;
import io.beamflow.sink.hdf5.Hdf5Committable;
import io.beamflow.sink.hdf5.Hdf5SinkSettings;
import io.beamflow.sink.hdf5.NexusSeriesWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Writes the same realistic frames (simulated 1024x1024 uint16, Poisson background + Bragg spots)
 * with bitshuffle/LZ4 through the Beamflow HDF5 writer and through h5py + hdf5plugin (libhdf5 C), in
 * one run, alternating, and prints MB/s (raw frame bytes per second, file closed and fsynced) and
 * compression ratios.
 *
 * <p>Usage: {@code bench io.beamflow.bench.hdf5.Hdf5SinkBenchmark [frames=1000] [rounds=2]
 * [threads=2] [inputDir=/dev/shm/beamflow-bench] [outputDir=/tmp/beamflow-bench-hdf5]}
 */
public final class Hdf5SinkBenchmark {
    static final int WIDTH = 1024;
    static final int HEIGHT = 1024;

    private Hdf5SinkBenchmark() {
    }

    /** One measured write. */
    record Result(String writer, double seconds, double cpuSeconds, long rawBytes, long storedBytes, long fileBytes) {
        double mbPerSecond() {
            return rawBytes / 1e6 / seconds;
        }

        double mbPerCpuSecond() {
            return rawBytes / 1e6 / cpuSeconds;
        }

        double ratio() {
            return (double) rawBytes / storedBytes;
        }
    }

    /**
     * @param args frames, rounds, threads, inputDir, outputDir (all optional, in this order)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int frames = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path in = Path.of(args.length > 3 ? args[3] : "/dev/shm/beamflow-bench");
        Path out = Path.of(args.length > 4 ? args[4] : "/tmp/beamflow-bench-hdf5");
        Files.createDirectories(in);
        Path raw = in.resolve("frames-" + WIDTH + "x" + HEIGHT + "-" + frames + ".raw");
        generate(raw, frames);
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            results.add(h5py(raw, frames, out));
            results.add(beamflow(raw, frames, out, threads));
            results.add(beamflow(raw, frames, out, 0));
        }
        System.out.printf(Locale.ROOT, "%d frames %dx%d uint16 (%.0f MB raw), bitshuffle+LZ4, %d rounds, %d cores%n",
                frames, WIDTH, HEIGHT, frames * (double) WIDTH * HEIGHT * 2 / 1e6, rounds,
                Runtime.getRuntime().availableProcessors());
        System.out.println("| writer | round | MB/s (wall) | MB per CPU-s | ratio | file MB | wall s | CPU s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            Result x = results.get(i);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f | %.1f | %.2f | %.2f |%n", x.writer(), i / 3 + 1,
                    x.mbPerSecond(), x.mbPerCpuSecond(), x.ratio(), x.fileBytes() / 1e6, x.seconds(), x.cpuSeconds());
        }
        for (String w : new String[] {"beamflow (" + threads + " compression threads)", "beamflow (inline, 1 thread)"}) {
            double best = results.stream().filter(x -> x.writer().equals(w)).mapToDouble(Result::mbPerSecond).max().orElse(0);
            double base = results.stream().filter(x -> x.writer().startsWith("h5py")).mapToDouble(Result::mbPerSecond).max().orElse(1);
            double bestCpu = results.stream().filter(x -> x.writer().equals(w)).mapToDouble(Result::mbPerCpuSecond).max().orElse(0);
            double baseCpu = results.stream().filter(x -> x.writer().startsWith("h5py")).mapToDouble(Result::mbPerCpuSecond).max().orElse(1);
            System.out.printf(Locale.ROOT, "best %s / best h5py+hdf5plugin: wall MB/s %.2fx, MB per CPU-s %.2fx%n",
                    w, best / base, bestCpu / baseCpu);
        }
    }

    static void generate(Path raw, int frames) throws IOException {
        long size = (long) frames * WIDTH * HEIGHT * 2;
        if (Files.exists(raw) && Files.size(raw) == size) {
            return;
        }
        FrameSynthesizer synth = new FrameSynthesizer(SimulationParameters.defaults(WIDTH, HEIGHT));
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < frames; i++) {
                ByteBuffer b = ByteBuffer.wrap(FrameSynthesizer.toLittleEndianBytes(synth.frame(i + 1)));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
    }

    static Result beamflow(Path raw, int frames, Path out, int threads) throws IOException {
        deleteTree(out);
        Hdf5SinkSettings settings = new Hdf5SinkSettings(out.toString(), "bench", frames, Compression.BSLZ4,
                threads, Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        int frameBytes = WIDTH * HEIGHT * 2;
        long c0 = processCpuNs();
        long t0 = System.nanoTime();
        long stored;
        try (FrameCompressor compressor = new FrameCompressor(Compression.BSLZ4, threads);
             FileChannel in = FileChannel.open(raw, StandardOpenOption.READ)) {
            NexusSeriesWriter w = NexusSeriesWriter.start(settings, "bench", "{}", compressor);
            // frames arrive as byte[] (as from Flink); a ring larger than the frames in flight stands in
            // for the upstream allocation, and the input is memory-mapped like h5py's np.memmap
            byte[][] ring = new byte[compressor.maxInFlight() + 2][frameBytes];
            java.nio.MappedByteBuffer map = null;
            int mapFirst = 0;
            int framesPerMap = 256;
            for (int i = 0; i < frames; i++) {
                if (i % framesPerMap == 0) {
                    mapFirst = i;
                    long len = (long) Math.min(framesPerMap, frames - i) * frameBytes;
                    map = in.map(FileChannel.MapMode.READ_ONLY, (long) i * frameBytes, len);
                }
                byte[] px = ring[i % ring.length];
                map.get((i - mapFirst) * frameBytes, px, 0, frameBytes);
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
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNs() - c0) / 1e9;
        Path data = out.resolve("bench/bench/bench_data_000001.h5");
        stored = storedBytes(data);
        return new Result(threads > 0 ? "beamflow (" + threads + " compression threads)" : "beamflow (inline, 1 thread)",
                s, cpu, (long) frames * frameBytes, stored, Files.size(data));
    }

    private static final String H5PY = String.join("\n",
            "import sys, os, time, json, h5py, hdf5plugin, numpy as np",
            "raw, n, h, w, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]",
            "mm = np.memmap(raw, dtype='<u2', mode='r', shape=(n, h, w))",
            "t0 = time.perf_counter(); c0 = time.process_time()",
            "with h5py.File(out, 'w') as f:",
            "    d = f.create_dataset('/entry/data/data', shape=(n, h, w), dtype='<u2', chunks=(1, h, w),",
            "                         **hdf5plugin.Bitshuffle(nelems=0, cname='lz4'))",
            "    for i in range(n):",
            "        d[i] = mm[i]",
            "fd = os.open(out, os.O_RDONLY); os.fsync(fd); os.close(fd)",
            "t = time.perf_counter() - t0; c = time.process_time() - c0",
            "with h5py.File(out, 'r') as f:",
            "    st = f['/entry/data/data'].id.get_storage_size()",
            "print(json.dumps({'seconds': t, 'cpu': c, 'stored': st, 'file': os.path.getsize(out)}))",
            "");

    static Result h5py(Path raw, int frames, Path out) throws IOException, InterruptedException {
        deleteTree(out);
        Files.createDirectories(out);
        Path script = Files.createTempFile("h5py-bench", ".py");
        Files.writeString(script, H5PY);
        Path file = out.resolve("h5py_bench.h5");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), raw.toString(), "" + frames,
                "" + HEIGHT, "" + WIDTH, file.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("h5py writer failed: " + text);
        }
        Files.deleteIfExists(script);
        String json = text.substring(text.lastIndexOf('{'));
        double s = Double.parseDouble(field(json, "seconds"));
        double cpu = Double.parseDouble(field(json, "cpu"));
        long stored = Long.parseLong(field(json, "stored"));
        long fileBytes = Long.parseLong(field(json, "file"));
        return new Result("h5py+hdf5plugin (libhdf5)", s, cpu, (long) frames * WIDTH * HEIGHT * 2, stored, fileBytes);
    }

    private static String field(String json, String key) {
        int i = json.indexOf('"' + key + "\":") + key.length() + 3;
        int j = i;
        while (j < json.length() && ",}".indexOf(json.charAt(j)) < 0) {
            j++;
        }
        return json.substring(i, j).trim();
    }

    /** Stored (compressed) bytes of /entry/data/data, as libhdf5 reports them. */
    static long storedBytes(Path dataFile) throws IOException {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                    "import sys,h5py,hdf5plugin; print(h5py.File(sys.argv[1],'r')['/entry/data/data'].id.get_storage_size())",
                    dataFile.toString()).redirectErrorStream(true).start();
            String t = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("cannot read " + dataFile + " with h5py: " + t);
            }
            return Long.parseLong(t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** CPU time of this JVM, all threads (compression pool, JIT and GC included). */
    static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static void deleteTree(Path p) throws IOException {
        FileTrees.deleteRecursively(p);
    }
}
