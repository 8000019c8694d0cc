package io.beamflow.bench.reduce;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameFeatures;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.reduce.kernel.AzimuthalIntegrator;
import io.beamflow.reduce.kernel.FrameReducer;
import io.beamflow.reduce.kernel.FrameReducerFactory;
import io.beamflow.reduce.kernel.FrameStatistics;
import io.beamflow.reduce.kernel.PeakFinder8;
import io.beamflow.reduce.kernel.PixelCorrector;
import io.beamflow.reduce.kernel.PixelDecoder;
import io.beamflow.reduce.kernel.PoniGeometry;
import io.beamflow.reduce.kernel.RadialUnit;
import io.beamflow.reduce.kernel.Roi;
import io.beamflow.sink.live.MaxPoolDownsampler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Single-thread time per frame of each reduction kernel, today's implementation ("new") against the one
 * before the kernels work of issue #19 ("old": the {@code Legacy*} copies in this package), measured in
 * the same run on the same frames, interleaved round by round so that the shared machine's load hits
 * both alike; times are the thread's CPU time (GC and JIT threads excluded). Demo settings (config/demo.yaml): saturation flag only, 2 ROIs, 500 q bins, peakfinder8
 * with 2 px rings, 3 background iterations, minSnr 6, minAdc 20, 2..50 pixels; live view max edge 512.
 * Eight different simulated uint16 hit frames are cycled.
 *
 * <p>Run: {@code benchmarks/target/bench io.beamflow.bench.reduce.ReductionOldVsNewBenchmark [seconds] [rounds]}
 * (seconds per measurement, default 1; rounds, default 5; the median round is reported), or
 * {@code ... ReductionOldVsNewBenchmark profile [seconds]}: only the new {@code FrameReducer.reduce} on
 * 1024x1024 frames, for an allocation profile (JFR) of the hot path.
 */
public final class ReductionOldVsNewBenchmark {
    private static final int FRAMES = 8;
    private static final int BINS = 500;
    private static final int LIVE_VIEW_MAX_EDGE = 512;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ReductionOldVsNewBenchmark() {
    }

    /** A kernel invocation on frame {@code i % FRAMES}. */
    @FunctionalInterface
    private interface Kernel {
        void run(int frame);
    }

    /** One stage, old and new. */
    private record Stage(String name, Kernel old, Kernel current) {
    }

    /**
     * @param args optional seconds per measurement and rounds
     * @throws IOException when the geometry file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("profile")) {
            profileNewReduce(args.length > 1 ? Double.parseDouble(args[1]) : 10.0);
            return;
        }
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String loadBefore = loadAverage();
        List<String> rows = new ArrayList<>();
        rows.add("| frame | stage | old ms/frame | new ms/frame | old frames/s | new frames/s | new/old time | speed-up |");
        rows.add("|---|---|---|---|---|---|---|---|");
        for (int size : new int[] {1024, 2048}) {
            rows.addAll(measure(size, seconds, rounds));
        }
        System.out.println();
        System.out.printf("One thread (CPU time), uint16 simulated hit frames, median of %d rounds of %.1f s each; "
                + "load average before: %s, after: %s%n", rounds, seconds, loadBefore, loadAverage());
        rows.forEach(System.out::println);
    }

    private static List<String> measure(int size, double seconds, int rounds) throws IOException {
        SimulationParameters p = SimulationParameters.defaults(size, size).withHitFraction(1.0);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        int n = Math.multiplyExact(size, size);
        byte[][] raw = new byte[FRAMES][];
        float[][] images = new float[FRAMES][];
        byte[][] masks = new byte[FRAMES][];
        PixelCorrector corrector = new PixelCorrector(n, null, null, null, null, PixelDecoder.maxValue(PixelType.UINT16));
        for (int f = 0; f < FRAMES; f++) {
            raw[f] = FrameSynthesizer.toLittleEndianBytes(synth.frame(f));
            images[f] = new float[n];
            masks[f] = new byte[n];
            PixelDecoder.decode(raw[f], PixelType.UINT16, images[f]);
            corrector.apply(images[f], masks[f]);
        }
        Path poni = writePoni(p, size);
        List<Roi> rois = List.of(Roi.rectangle("beamstop", 495, 489, 41, 41), Roi.rectangle("ring1", 380, 380, 64, 64));
        ReductionConfig config = demoConfig(p, poni);

        LegacyPixelCorrector oldCorrector = new LegacyPixelCorrector(n, null, null, null, null, 65535);
        LegacyFrameStatistics oldStatistics = new LegacyFrameStatistics(size, size, rois);
        float[] oldImage = new float[n];
        byte[] oldMask = new byte[n];
        Kernel oldPixels = f -> {
            LegacyPixelDecoder.decode(raw[f], PixelType.UINT16, oldImage);
            Arrays.fill(oldMask, (byte) 0);
            oldCorrector.apply(oldImage, oldMask);
            oldStatistics.compute(oldImage, oldMask, new LinkedHashMap<>());
        };
        FrameReducer statisticsOnly = new FrameReducer(size, size, corrector, new FrameStatistics(size, size, rois),
                null, null);
        Kernel newPixels = f -> statisticsOnly.reduce(raw[f], PixelType.UINT16, null);

        PoniGeometry geometry = PoniGeometry.read(poni);
        LegacyAzimuthalIntegrator oldIntegrator = new LegacyAzimuthalIntegrator(geometry, size, size, BINS,
                RadialUnit.Q_NM, null);
        AzimuthalIntegrator integrator = new AzimuthalIntegrator(geometry, size, size, BINS, RadialUnit.Q_NM, null);
        float[] profileDifference = {0f};
        for (int f = 0; f < FRAMES; f++) {
            float[] a = oldIntegrator.integrate(images[f], masks[f]);
            float[] b = integrator.integrate(images[f], masks[f]);
            for (int k = 0; k < a.length; k++) {
                profileDifference[0] = Math.max(profileDifference[0], Math.abs(a[k] - b[k]) / Math.max(1e-6f,
                        Math.abs(a[k])));
            }
        }

        ReductionConfig.PeakFinderConfig pc = config.peaks;
        LegacyPeakFinder8 oldFinder = new LegacyPeakFinder8(size, size, pc.beamCenterX, pc.beamCenterY,
                pc.radialBinWidthPx, pc.minSnr, pc.minAdc, pc.minPixels, pc.maxPixels, pc.backgroundIterations);
        PeakFinder8 finder = new PeakFinder8(size, size, pc.beamCenterX, pc.beamCenterY, pc.radialBinWidthPx,
                pc.minSnr, pc.minAdc, pc.minPixels, pc.maxPixels, pc.backgroundIterations);
        int oldPeaks = 0;
        int newPeaks = 0;
        for (int f = 0; f < FRAMES; f++) {
            oldPeaks += oldFinder.find(images[f], masks[f]).count();
            newPeaks += finder.find(images[f], masks[f]).count();
        }

        LegacyFrameReducer oldReducer = new LegacyFrameReducer(size, size, oldCorrector, oldStatistics,
                oldIntegrator, oldFinder);
        FrameReducer reducer = FrameReducerFactory.create(config, size, size, PixelType.UINT16);
        FrameFeatures oldFeatures = oldReducer.reduce(raw[0], PixelType.UINT16, null);
        FrameFeatures newFeatures = reducer.reduce(raw[0], PixelType.UINT16, null);

        List<Stage> stages = List.of(
                new Stage("decode + saturation + statistics + 2 ROIs", oldPixels, newPixels),
                new Stage("integration (" + BINS + " q bins)", f -> oldIntegrator.integrate(images[f], masks[f]),
                        f -> integrator.integrate(images[f], masks[f])),
                new Stage("peak finding", f -> oldFinder.find(images[f], masks[f]),
                        f -> finder.find(images[f], masks[f])),
                new Stage("live-view downsample (max edge " + LIVE_VIEW_MAX_EDGE + ")",
                        f -> LegacyMaxPoolDownsampler.downsample(raw[f], PixelType.UINT16, size, size,
                                LIVE_VIEW_MAX_EDGE),
                        f -> MaxPoolDownsampler.downsample(raw[f], PixelType.UINT16, size, size, LIVE_VIEW_MAX_EDGE)),
                new Stage("whole FrameReducer.reduce", f -> oldReducer.reduce(raw[f], PixelType.UINT16, null),
                        f -> reducer.reduce(raw[f], PixelType.UINT16, null)));
        double[][] oldMs = new double[stages.size()][rounds];
        double[][] newMs = new double[stages.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int s = 0; s < stages.size(); s++) {
                oldMs[s][round] = msPerFrame(seconds, stages.get(s).old());
                newMs[s][round] = msPerFrame(seconds, stages.get(s).current());
            }
        }
        List<String> rows = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            double o = median(oldMs[s]);
            double c = median(newMs[s]);
            rows.add(String.format("| %dx%d | %s | %.3f | %.3f | %.0f | %.0f | %.2f | %.1fx |", size, size,
                    stages.get(s).name(), o, c, 1000 / o, 1000 / c, c / o, o / c));
        }
        double whole = median(newMs[stages.size() - 1]);
        rows.add(String.format("| %dx%d | kernel ceiling = 1 / whole reduce | %.0f frames/s | %.0f frames/s | | | | |",
                size, size, 1000 / median(oldMs[stages.size() - 1]), 1000 / whole));
        System.out.printf("%dx%d: peaks over %d frames old %d, new %d; whole-reduce sum old %.1f new %.1f, peaks %d/%d; "
                + "largest relative profile difference %.2e%n", size, size, FRAMES, oldPeaks, newPeaks,
                oldFeatures.sum, newFeatures.sum, oldFeatures.peakCount(), newFeatures.peakCount(),
                profileDifference[0]);
        return rows;
    }

    private static void profileNewReduce(double seconds) throws IOException {
        int size = 1024;
        SimulationParameters p = SimulationParameters.defaults(size, size).withHitFraction(1.0);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        byte[][] raw = new byte[FRAMES][];
        for (int f = 0; f < FRAMES; f++) {
            raw[f] = FrameSynthesizer.toLittleEndianBytes(synth.frame(f));
        }
        FrameReducer reducer = FrameReducerFactory.create(demoConfig(p, writePoni(p, size)), size, size,
                PixelType.UINT16);
        double ms = msPerFrame(seconds, f -> reducer.reduce(raw[f], PixelType.UINT16, null));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) CPU;
        long id = Thread.currentThread().getId();
        int frames = 1000;
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < frames; i++) {
            reducer.reduce(raw[i % FRAMES], PixelType.UINT16, null);
        }
        long perFrame = (threads.getThreadAllocatedBytes(id) - before) / frames;
        System.out.printf("new FrameReducer.reduce, 1024x1024: %.3f ms/frame (CPU), %d bytes allocated per frame%n",
                ms, perFrame);
    }

    private static ReductionConfig demoConfig(SimulationParameters p, Path poni) {
        ReductionConfig c = new ReductionConfig();
        for (String[] r : new String[][] {{"beamstop", "495", "489", "41"}, {"ring1", "380", "380", "64"}}) {
            ReductionConfig.RoiConfig roi = new ReductionConfig.RoiConfig();
            roi.name = r[0];
            roi.x = Integer.parseInt(r[1]);
            roi.y = Integer.parseInt(r[2]);
            roi.width = Integer.parseInt(r[3]);
            roi.height = Integer.parseInt(r[3]);
            c.rois.add(roi);
        }
        c.integration.poniFile = poni.toString();
        c.integration.bins = BINS;
        c.integration.unit = "q_nm^-1";
        c.peaks.enabled = true;
        c.peaks.beamCenterX = p.beamCenterX();
        c.peaks.beamCenterY = p.beamCenterY();
        c.peaks.radialBinWidthPx = 2.0;
        c.peaks.backgroundIterations = 3;
        return c;
    }

    /** The demo geometry (config/demo.poni) with the beam centre of the simulated frame of this size. */
    private static Path writePoni(SimulationParameters p, int size) throws IOException {
        double pixelM = 75e-6;
        Path poni = Files.createTempFile("bench-reduce-" + size, ".poni");
        poni.toFile().deleteOnExit();
        Files.writeString(poni, "poni_version: 2\nDetector: Detector\nDetector_config: {\"pixel1\": " + pixelM
                + ", \"pixel2\": " + pixelM + ", \"max_shape\": [" + size + ", " + size + "]}\nDistance: 0.12\n"
                + "Poni1: " + (p.beamCenterY() * pixelM) + "\nPoni2: " + (p.beamCenterX() * pixelM) + "\n"
                + "Rot1: 0.0\nRot2: 0.0\nRot3: 0.0\nWavelength: 1e-10\n");
        return poni;
    }

    /** @return CPU ms of this thread per frame (less sensitive than wall time to other processes on the cores) */
    private static double msPerFrame(double seconds, Kernel kernel) {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.3e9);
        int i = 0;
        while (System.nanoTime() < warmEnd) {
            kernel.run(i++ % FRAMES);
        }
        long start = CPU.getCurrentThreadCpuTime();
        long end = start + (long) (seconds * 1e9);
        int count = 0;
        while (CPU.getCurrentThreadCpuTime() < end || count < 3) {
            kernel.run(count++ % FRAMES);
        }
        return (CPU.getCurrentThreadCpuTime() - start) / 1e6 / count;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
