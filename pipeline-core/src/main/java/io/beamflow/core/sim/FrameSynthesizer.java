package io.beamflow.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthesizes realistic detector images: a Poisson background modulated by diffraction rings, a
 * beam-stop shadow around the beam centre, and, on a configurable fraction of frames, Bragg-like
 * spots. Deterministic: the same parameters and frame number always give the same image, so tests
 * can regenerate what a simulator sent.
 *
 * <p>To keep the simulator fast enough to drive the pipeline, the expected-intensity map (rings and
 * shadow) is computed once; per frame a Poisson sample is drawn per pixel from a precomputed
 * inverse-CDF table of the local mean.
 */
public final class FrameSynthesizer {
    private static final int LEVELS = 256;
    private static final int SAMPLES_PER_LEVEL = 4096;

    private final SimulationParameters p;
    private final byte[] levelOfPixel;
    private final short[][] poissonTables;

    /** @param parameters detector model */
    public FrameSynthesizer(SimulationParameters parameters) {
        this.p = parameters;
        int n = p.width() * p.height();
        double[] mean = new double[n];
        double maxMean = 0;
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                double dx = x + 0.5 - p.beamCenterX();
                double dy = y + 0.5 - p.beamCenterY();
                double r = Math.sqrt(dx * dx + dy * dy);
                double m = p.backgroundMean() * (1.0 + 40.0 / (1.0 + r));
                for (double ring : p.ringRadii()) {
                    double d = (r - ring) / p.ringWidth();
                    m += p.ringIntensity() * Math.exp(-0.5 * d * d);
                }
                if (r < p.beamStopRadius()) {
                    m *= 0.05;
                }
                mean[y * p.width() + x] = m;
                maxMean = Math.max(maxMean, m);
            }
        }
        // Quantize means into LEVELS levels; each level has a table of Poisson samples.
        levelOfPixel = new byte[n];
        poissonTables = new short[LEVELS][SAMPLES_PER_LEVEL];
        double step = maxMean / (LEVELS - 1);
        SplittableRandom tableRandom = new SplittableRandom(p.seed() ^ 0x5EEDL);
        for (int level = 0; level < LEVELS; level++) {
            double lambda = level * step;
            for (int s = 0; s < SAMPLES_PER_LEVEL; s++) {
                poissonTables[level][s] = (short) Math.min(65535, poisson(tableRandom, lambda));
            }
        }
        for (int i = 0; i < n; i++) {
            levelOfPixel[i] = (byte) (step == 0 ? 0 : Math.round(mean[i] / step));
        }
    }

    /** @return the parameters */
    public SimulationParameters parameters() {
        return p;
    }

    /**
     * @param frameNumber frame number (also seeds the randomness of this frame)
     * @return the synthesized frame
     */
    public SimulatedFrame frame(long frameNumber) {
        SplittableRandom rnd = new SplittableRandom(p.seed() * 0x9E3779B97F4A7C15L + frameNumber);
        int n = p.width() * p.height();
        short[] px = new short[n];
        for (int i = 0; i < n; i++) {
            px[i] = poissonTables[levelOfPixel[i] & 0xFF][rnd.nextInt(SAMPLES_PER_LEVEL)];
        }
        boolean hit = rnd.nextDouble() < p.hitFraction();
        List<SimulatedFrame.Spot> spots = new ArrayList<>();
        if (hit) {
            int count = p.spotsPerHitMin() + rnd.nextInt(p.spotsPerHitMax() - p.spotsPerHitMin() + 1);
            int margin = 8;
            // Small frames cannot hold every spot 10 px apart: give up placing after a bounded number of tries.
            for (int attempt = 0; spots.size() < count && attempt < count * 50; attempt++) {
                double x = margin + rnd.nextDouble() * (p.width() - 2 * margin);
                double y = margin + rnd.nextDouble() * (p.height() - 2 * margin);
                double dx = x - p.beamCenterX();
                double dy = y - p.beamCenterY();
                if (Math.sqrt(dx * dx + dy * dy) < p.beamStopRadius() * 2) {
                    continue;
                }
                boolean tooClose = false;
                for (SimulatedFrame.Spot s : spots) {
                    if (Math.abs(s.x() - x) < 10 && Math.abs(s.y() - y) < 10) {
                        tooClose = true;
                        break;
                    }
                }
                if (tooClose) {
                    continue;
                }
                double intensity = p.spotIntensity() * (0.5 + rnd.nextDouble());
                spots.add(new SimulatedFrame.Spot(x, y, intensity));
                addSpot(px, x, y, intensity);
            }
        }
        return new SimulatedFrame(frameNumber, px, hit && !spots.isEmpty(), List.copyOf(spots));
    }

    private void addSpot(short[] px, double cx, double cy, double intensity) {
        double sigma = 0.8;
        int x0 = (int) Math.floor(cx) - 3;
        int y0 = (int) Math.floor(cy) - 3;
        double norm = intensity / (2 * Math.PI * sigma * sigma);
        for (int y = y0; y <= y0 + 6; y++) {
            for (int x = x0; x <= x0 + 6; x++) {
                if (x < 0 || y < 0 || x >= p.width() || y >= p.height()) {
                    continue;
                }
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                double add = norm * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                int i = y * p.width() + x;
                int v = (px[i] & 0xFFFF) + (int) Math.round(add);
                px[i] = (short) Math.min(65535, v);
            }
        }
    }

    /**
     * @param frame a synthesized frame
     * @return its pixels as little-endian uint16 bytes (the wire payload)
     */
    public static byte[] toLittleEndianBytes(SimulatedFrame frame) {
        short[] px = frame.pixels();
        byte[] out = new byte[px.length * 2];
        for (int i = 0; i < px.length; i++) {
            out[2 * i] = (byte) px[i];
            out[2 * i + 1] = (byte) (px[i] >>> 8);
        }
        return out;
    }

    private static int poisson(SplittableRandom rnd, double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 30) {
            double g = lambda + Math.sqrt(lambda) * gaussian(rnd);
            return (int) Math.max(0, Math.round(g));
        }
        double l = Math.exp(-lambda);
        int k = 0;
        double prod = rnd.nextDouble();
        while (prod > l) {
            k++;
            prod *= rnd.nextDouble();
        }
        return k;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
