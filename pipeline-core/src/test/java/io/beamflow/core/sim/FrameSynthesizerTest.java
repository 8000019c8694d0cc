package io.beamflow.core.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameSynthesizerTest {
    private final FrameSynthesizer synth = new FrameSynthesizer(SimulationParameters.defaults(256, 256));

    @Test
    void shouldBeDeterministicPerFrameNumber() {
        assertArrayEquals(synth.frame(5).pixels(), new FrameSynthesizer(synth.parameters()).frame(5).pixels());
        assertFalse(java.util.Arrays.equals(synth.frame(5).pixels(), synth.frame(6).pixels()));
    }

    @Test
    void shouldInjectBrightSpotsOnHitsAndShadowTheBeamStop() {
        int hits = 0;
        for (int f = 0; f < 100; f++) {
            SimulatedFrame fr = synth.frame(f);
            if (fr.hit()) {
                hits++;
                assertTrue(fr.spots().size() >= 20);
                SimulatedFrame.Spot s = fr.spots().get(0);
                int v = fr.pixels()[(int) s.y() * 256 + (int) s.x()] & 0xFFFF;
                assertTrue(v > 200, "spot pixel " + v);
            } else {
                assertEquals(0, fr.spots().size());
            }
        }
        assertTrue(hits > 15 && hits < 45, "hits " + hits);
        SimulationParameters p = synth.parameters();
        long inside = 0;
        long outside = 0;
        SimulatedFrame fr = synth.frame(0);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                double r = Math.hypot(x + 0.5 - p.beamCenterX(), y + 0.5 - p.beamCenterY());
                if (r < p.beamStopRadius() - 1) {
                    inside += fr.pixels()[y * 256 + x] & 0xFFFF;
                } else if (r > p.beamStopRadius() + 1 && r < p.beamStopRadius() + 3) {
                    outside += fr.pixels()[y * 256 + x] & 0xFFFF;
                }
            }
        }
        assertTrue(inside * 3 < outside, "beam stop shadow " + inside + " vs " + outside);
    }

    @Test
    void shouldReturnOnFramesTooSmallForAllSpots() {
        FrameSynthesizer tiny = new FrameSynthesizer(SimulationParameters.defaults(64, 48).withHitFraction(1.0));
        for (int f = 0; f < 5; f++) {
            SimulatedFrame fr = tiny.frame(f);
            assertTrue(fr.hit());
            assertTrue(fr.spots().size() < 20, "only a few spots fit on 64x48: " + fr.spots().size());
        }
    }
}
