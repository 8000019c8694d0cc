package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sparse background estimate finds exactly the peaks of the full-pass reference finder. */
class PeakFinder8EqualityTest {
    static final int SIZE = 512;
    static final float POSITION_TOLERANCE_PX = 0.01f;

    static PeakFinder8 finder(SimulationParameters p, int iterations) {
        return new PeakFinder8(p.width(), p.height(), p.beamCenterX(), p.beamCenterY(), 2.0, 6.0, 20.0, 2, 50,
                iterations);
    }

    static PeakFinder8Reference reference(SimulationParameters p, int iterations) {
        return new PeakFinder8Reference(p.width(), p.height(), p.beamCenterX(), p.beamCenterY(), 2.0, 6.0, 20.0, 2,
                50, iterations);
    }

    static byte[] badPixels(int n, long seed) {
        byte[] mask = new byte[n];
        Random random = new Random(seed);
        for (int i = 0; i < n / 200; i++) {
            mask[random.nextInt(n)] = 1;
        }
        for (int i = 100 * SIZE; i < 110 * SIZE; i++) {
            mask[i] = 1;
        }
        return mask;
    }

    static void assertSamePeaks(PeakFinder8Reference.Peaks expected, PeakFinder8.Peaks actual, String frame) {
        assertEquals(expected.count(), actual.count(), "peak count of " + frame);
        for (int k = 0; k < expected.count(); k++) {
            assertEquals(expected.x()[k], actual.x()[k], POSITION_TOLERANCE_PX, "x of peak " + k + " of " + frame);
            assertEquals(expected.y()[k], actual.y()[k], POSITION_TOLERANCE_PX, "y of peak " + k + " of " + frame);
            assertEquals(expected.intensity()[k], actual.intensity()[k], 1e-3f * Math.abs(expected.intensity()[k]),
                    "intensity of peak " + k + " of " + frame);
        }
    }

    @Test
    void shouldFindTheSamePeaksAsTheReferenceFinder() {
        for (int iterations : new int[] {1, 2, 3, 5}) {
            SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(0.6).withSeed(7);
            FrameSynthesizer synth = new FrameSynthesizer(p);
            PeakFinder8 finder = finder(p, iterations);
            PeakFinder8Reference reference = reference(p, iterations);
            int peaks = 0;
            for (int n = 0; n < 12; n++) {
                float[] image = PeakFinder8Test.image(synth.frame(n));
                PeakFinder8Reference.Peaks expected = reference.find(image, null);
                assertSamePeaks(expected, finder.find(image, null), "frame " + n + ", " + iterations + " iterations");
                peaks += expected.count();
            }
            assertTrue(peaks > 100, "enough peaks to compare: " + peaks);
        }
    }

    @Test
    void shouldFindTheSamePeaksAsTheReferenceFinderWithMaskedPixels() {
        SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(0.6).withSeed(3);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        PeakFinder8 finder = finder(p, 3);
        PeakFinder8Reference reference = reference(p, 3);
        for (int n = 0; n < 12; n++) {
            float[] image = PeakFinder8Test.image(synth.frame(n));
            byte[] mask = badPixels(image.length, n);
            assertSamePeaks(reference.find(image, mask), finder.find(image, mask), "masked frame " + n);
        }
    }

    @Test
    void shouldFindTheSamePeaksWhenTheBackgroundJumpsBetweenFrames() {
        SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(1.0).withSeed(5);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        PeakFinder8 finder = finder(p, 3);
        PeakFinder8Reference reference = reference(p, 3);
        float[] scales = {1f, 1f, 0.2f, 5f, 1f, 0.5f, 1f};
        for (int n = 0; n < scales.length; n++) {
            float[] image = PeakFinder8Test.image(synth.frame(n));
            for (int i = 0; i < image.length; i++) {
                image[i] *= scales[n];
            }
            assertSamePeaks(reference.find(image, null), finder.find(image, null), "frame " + n + " x" + scales[n]);
        }
    }

    @Test
    void shouldReadMostFramesOnlyOnceWhenTheBackgroundStaysAlike() {
        SimulationParameters p = SimulationParameters.defaults(SIZE, SIZE).withHitFraction(0.5).withSeed(9);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        PeakFinder8 finder = finder(p, 3);
        int warmUp = 10;
        for (int n = 0; n < warmUp; n++) {
            finder.find(PeakFinder8Test.image(synth.frame(n)), null);
        }
        long before = finder.fullPasses();
        int frames = 30;
        for (int n = warmUp; n < warmUp + frames; n++) {
            finder.find(PeakFinder8Test.image(synth.frame(n)), null);
        }
        long passes = finder.fullPasses() - before;
        // The reference reads every frame (iterations + 1) times.
        assertTrue(passes <= frames + frames / 10, passes + " full passes over " + frames + " frames");
    }
}
