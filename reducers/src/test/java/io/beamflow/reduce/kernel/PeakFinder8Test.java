package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import org.junit.jupiter.api.Test;

/** Peak finding against the simulator's injected spots (ground truth). */
class PeakFinder8Test {
    static final int SIZE = 512;
    static final double MATCH_RADIUS_PX = 2.0;
    static final int HIT_THRESHOLD_PEAKS = 10;

    static PeakFinder8 finderFor(SimulationParameters p) {
        return new PeakFinder8(p.width(), p.height(), p.beamCenterX(), p.beamCenterY(), 2.0, 6.0, 20.0, 2, 50, 3);
    }

    static float[] image(SimulatedFrame f) {
        float[] img = new float[f.pixels().length];
        for (int i = 0; i < img.length; i++) {
            img[i] = f.pixels()[i] & 0xFFFF;
        }
        return img;
    }

    @Test
    void shouldFindInjectedSpotsWithHighRecallAndPrecision() {
        SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(1.0);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        PeakFinder8 finder = finderFor(p);
        int truth = 0;
        int found = 0;
        int truePositives = 0;
        int matchedFound = 0;
        for (int n = 0; n < 10; n++) {
            SimulatedFrame f = synth.frame(n);
            PeakFinder8.Peaks peaks = finder.find(image(f), null);
            truth += f.spots().size();
            found += peaks.count();
            for (SimulatedFrame.Spot s : f.spots()) {
                if (nearest(peaks, s.x(), s.y()) <= MATCH_RADIUS_PX) {
                    truePositives++;
                }
            }
            for (int k = 0; k < peaks.count(); k++) {
                double best = Double.MAX_VALUE;
                for (SimulatedFrame.Spot s : f.spots()) {
                    best = Math.min(best, Math.hypot(s.x() - peaks.x()[k], s.y() - peaks.y()[k]));
                }
                if (best <= MATCH_RADIUS_PX) {
                    matchedFound++;
                }
            }
        }
        double recall = (double) truePositives / truth;
        double precision = (double) matchedFound / found;
        System.out.printf("spots %d, peaks %d, recall %.4f, precision %.4f%n", truth, found, recall, precision);
        assertTrue(truth > 100, "enough injected spots");
        assertTrue(recall >= 0.95, "recall " + recall);
        assertTrue(precision >= 0.95, "precision " + precision);
    }

    @Test
    void shouldClassifyHitsAndNonHitsOfALabelledSeries() {
        SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(0.4).withSeed(11);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        PeakFinder8 finder = finderFor(p);
        int hits = 0;
        int wrong = 0;
        for (int n = 0; n < 30; n++) {
            SimulatedFrame f = synth.frame(n);
            boolean predicted = finder.find(image(f), null).count() >= HIT_THRESHOLD_PEAKS;
            if (f.hit()) {
                hits++;
            }
            if (predicted != f.hit()) {
                wrong++;
            }
        }
        assertTrue(hits > 3 && hits < 27, "labelled series has both classes: " + hits);
        assertEquals(0, wrong, "misclassified frames");
    }

    @Test
    void shouldIgnoreMaskedPixelsAndFindNothingOnPureBackground() {
        SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(1.0);
        SimulatedFrame f = new FrameSynthesizer(p).frame(0);
        byte[] mask = new byte[SIZE * SIZE];
        java.util.Arrays.fill(mask, (byte) 1);
        assertEquals(0, finderFor(p).find(image(f), mask).count());
        SimulatedFrame blank = new FrameSynthesizer(p.withHitFraction(0)).frame(0);
        assertTrue(finderFor(p).find(image(blank), null).count() < HIT_THRESHOLD_PEAKS);
    }

    private static double nearest(PeakFinder8.Peaks peaks, double x, double y) {
        double best = Double.MAX_VALUE;
        for (int k = 0; k < peaks.count(); k++) {
            best = Math.min(best, Math.hypot(peaks.x()[k] - x, peaks.y()[k] - y));
        }
        return best;
    }
}
