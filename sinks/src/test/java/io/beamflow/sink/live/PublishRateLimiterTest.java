package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PublishRateLimiterTest {

    @Test
    void shouldPassAtMostMaxRateHz() {
        PublishRateLimiter l = new PublishRateLimiter(5);
        int passed = 0;
        // 200 Hz for 2 s
        for (int i = 0; i < 400; i++) {
            if (l.tryPass(i * 5_000_000L)) {
                passed++;
            }
        }
        assertEquals(10, passed);
    }

    @Test
    void shouldPassFirstEventAndEverythingWhenUnlimited() {
        PublishRateLimiter l = new PublishRateLimiter(1);
        assertTrue(l.tryPass(123));
        assertFalse(l.tryPass(124));
        PublishRateLimiter unlimited = new PublishRateLimiter(0);
        for (int i = 0; i < 100; i++) {
            assertTrue(unlimited.tryPass(7));
        }
    }
}
