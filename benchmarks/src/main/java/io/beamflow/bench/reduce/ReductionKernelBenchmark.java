package io.beamflow.bench.reduce;

import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.reduce.kernel.AzimuthalIntegrator;
import io.beamflow.reduce.kernel.FrameStatistics;
import io.beamflow.reduce.kernel.PeakFinder8;
import io.beamflow.reduce.kernel.PixelCorrector;
import io.beamflow.reduce.kernel.PoniGeometry;
import io.beamflow.reduce.kernel.RadialUnit;
import io.beamflow.reduce.kernel.Roi;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread throughput (frames/s per core) of the reduction kernels on 1024x1024 and 2048x2048
 * frames, and azimuthal integration against pyFAI's CSR integrator (OMP_NUM_THREADS=1) measured in
 * the same run on the same frame and geometry.
 *
 * <p>Run: {@code benchmarks/target/bench io.beamflow.bench.reduce.ReductionKernelBenchmark [seconds]} after
 * {@code mvn -q -DskipTests package} (argument: seconds per measurement, default 3).
 */
public final class ReductionKernelBenchmark {
    private static final int BINS = 1000;

    private ReductionKernelBenchmark() {
    }

    /** A kernel invocation on one frame. */
    @FunctionalInterface
    private interface Kernel {
        void run(int iteration);
    }

    /**
     * @param args optional seconds per measurement
     * @throws Exception on I/O or Python failure
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        List<String> rows = new ArrayList<>();
        rows.add("| frame | corrections | statistics+ROI | integration (Java CSR) | integration (pyFAI CSR, 1 thread) | Java/pyFAI | peak finding |");
        rows.add("|---|---|---|---|---|---|---|");
        for (int size : new int[] {1024, 2048}) {
            rows.add(measure(size, seconds));
        }
        System.out.println();
        System.out.println("Frames/s per core (single thread), " + BINS + " radial bins, uint16 frames:");
        rows.forEach(System.out::println);
    }

    private static String measure(int size, double seconds) throws IOException, InterruptedException {
        SimulationParameters p = SimulationParameters.defaults(size, size).withHitFraction(1.0);
        SimulatedFrame frame = new FrameSynthesizer(p).frame(1);
        int n = size * size;
        float[] raw = new float[n];
        for (int i = 0; i < n; i++) {
            raw[i] = frame.pixels()[i] & 0xFFFF;
        }
        float[] pedestal = new float[n];
        float[] gain = new float[n];
        float[] flat = new float[n];
        byte[] badPixels = new byte[n];
        for (int i = 0; i < n; i++) {
            pedestal[i] = 0.5f;
            gain[i] = 1.0f + (i % 7) * 0.01f;
            flat[i] = 0.98f + (i % 5) * 0.01f;
            badPixels[i] = (byte) (i % 997 == 0 ? 1 : 0);
        }
        PixelCorrector corrector = new PixelCorrector(n, pedestal, gain, flat, badPixels, 65535);
        float[] work = new float[n];
        byte[] mask = new byte[n];
        double corrections = rate(seconds, i -> {
            System.arraycopy(raw, 0, work, 0, n);
            java.util.Arrays.fill(mask, (byte) 0);
            corrector.apply(work, mask);
        });
        FrameStatistics stats = new FrameStatistics(size, size, List.of(Roi.rectangle("beamstop", size / 2 - 32,
                size / 2 - 32, 64, 64), Roi.rectangle("corner", 0, 0, 256, 256)));
        double statistics = rate(seconds, i -> stats.compute(raw, mask, new LinkedHashMap<>()));

        Path dir = Files.createTempDirectory("bench-reduce");
        double pixelM = 75e-6;
        Path poni = dir.resolve("bench.poni");
        Files.writeString(poni, "poni_version: 2\nDetector: Detector\nDetector_config: {\"pixel1\": " + pixelM
                + ", \"pixel2\": " + pixelM + ", \"max_shape\": [" + size + ", " + size + "]}\nDistance: 0.12\n"
                + "Poni1: " + (p.beamCenterY() * pixelM) + "\nPoni2: " + (p.beamCenterX() * pixelM) + "\n"
                + "Rot1: 0.01\nRot2: -0.005\nRot3: 0.0\nWavelength: 1e-10\n");
        AzimuthalIntegrator ai = new AzimuthalIntegrator(PoniGeometry.read(poni), size, size, BINS, RadialUnit.Q_NM,
                null);
        double integration = rate(seconds, i -> ai.integrate(raw, null));
        double pyfai = pyFaiRate(dir, poni, raw, size, seconds);

        PeakFinder8 finder = new PeakFinder8(size, size, p.beamCenterX(), p.beamCenterY(), 2.0, 6.0, 20.0, 2, 50, 3);
        double peaks = rate(seconds, i -> finder.find(raw, null));
        return String.format("| %dx%d | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f |", size, size, corrections, statistics,
                integration, pyfai, integration / pyfai, peaks);
    }

    private static double rate(double seconds, Kernel kernel) {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.3e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            kernel.run(i++);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int count = 0;
        while (System.nanoTime() < end || count < 3) {
            kernel.run(count++);
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double pyFaiRate(Path dir, Path poni, float[] image, int size, double seconds)
            throws IOException, InterruptedException {
        Path rawFile = dir.resolve("frame.f32");
        ByteBuffer b = ByteBuffer.allocate(image.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : image) {
            b.putFloat(v);
        }
        Files.write(rawFile, b.array());
        Path script = dir.resolve("bench.py");
        Files.writeString(script, String.join("\n",
                "import sys, time, numpy as np, pyFAI",
                "img = np.fromfile(sys.argv[2], dtype='<f4').reshape(int(sys.argv[3]), int(sys.argv[3]))",
                "ai = pyFAI.load(sys.argv[1])",
                "kw = dict(unit='q_nm^-1', method=('no', 'csr', 'cython'), correctSolidAngle=False, polarization_factor=None)",
                "ai.integrate1d(img, " + BINS + ", **kw)  # builds and caches the CSR matrix",
                "t0 = time.perf_counter(); n = 0",
                "while time.perf_counter() - t0 < float(sys.argv[4]) or n < 3:",
                "    ai.integrate1d(img, " + BINS + ", **kw); n += 1",
                "print(n / (time.perf_counter() - t0))", ""));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), poni.toString(),
                rawFile.toString(), "" + size, "" + seconds);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectErrorStream(true);
        Process proc = pb.start();
        if (!proc.waitFor(300, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            throw new IOException("pyFAI benchmark timed out");
        }
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String[] lines = out.split("\\R");
        try {
            return Double.parseDouble(lines[lines.length - 1]);
        } catch (NumberFormatException e) {
            throw new IOException("pyFAI benchmark failed: " + out, e);
        }
    }
}
