package io.beamflow.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The demo's reduction rate, from counter samples on a clock the test drives. */
class ReductionRateSamplerTest {
    @Test
    void shouldMeasureFromTheFirstFrameReducedToTheLastIgnoringIdleTimeBeforeAndAfter() {
        AtomicLong count = new AtomicLong();
        AtomicLong now = new AtomicLong();
        ReductionRateSampler sampler = new ReductionRateSampler(count::get, now::get);
        sampler.sample(); // nothing reduced yet: the job is starting
        now.set(5_000_000_000L);
        assertTrue(Double.isNaN(sampler.framesPerSecond()), "unknown before any frame");
        count.set(10);
        sampler.sample();
        now.addAndGet(2_000_000_000L);
        count.set(310);
        sampler.sample();
        now.addAndGet(3_000_000_000L); // idle after the last frame: the rate must not fall
        sampler.sample();
        assertEquals(150.0, sampler.framesPerSecond(), 1e-9);
    }
}
