package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.wire.WireLimits;
import org.junit.jupiter.api.Test;

class ImageShapeTest {
    private static final long LIMIT = WireLimits.DEFAULT.maxFrameBytes();

    @Test
    void shouldAcceptTheLargestImageWithinTheLimit() {
        assertEquals(8192 * 8192, ImageShape.pixels(8192, 8192, LIMIT));
    }

    @Test
    void shouldRejectAShapeWhosePixelCountOverflowsAnInt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageShape.pixels(46341, 46341, LIMIT));
        assertTrue(e.getMessage().contains("46341x46341 (2147488281 pixels)"), e.getMessage());
    }

    @Test
    void shouldRejectAShapeThatFitsAnIntButExceedsTheLimit() {
        assertThrows(IllegalArgumentException.class, () -> ImageShape.pixels(46340, 46340, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> ImageShape.pixels(Integer.MAX_VALUE, 1, Long.MAX_VALUE));
    }

    @Test
    void shouldRejectSidesThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> ImageShape.pixels(0, 10, LIMIT));
        assertThrows(IllegalArgumentException.class, () -> ImageShape.pixels(-4, -4, LIMIT));
    }
}
