package io.beamflow.core.sim;

import java.util.List;

/**
 * One synthesized image with its ground truth.
 *
 * @param frameNumber frame number
 * @param pixels      uint16 pixel values (row-major, stored in a {@code short[]}; read with {@code & 0xFFFF})
 * @param hit         whether Bragg-like spots were injected
 * @param spots       the injected spots (empty for non-hits)
 */
public record SimulatedFrame(long frameNumber, short[] pixels, boolean hit, List<Spot> spots) {

    /**
     * An injected spot.
     *
     * @param x         centre x (pixels, sub-pixel)
     * @param y         centre y (pixels, sub-pixel)
     * @param intensity total injected counts
     */
    public record Spot(double x, double y, double intensity) {
    }
}
