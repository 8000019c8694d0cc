package io.beamflow.sink.live;

import io.beamflow.core.frame.PixelType;

/** Shrinks a frame for the live view; {@link MaxPoolDownsampler#downsample} in production, a counting fake in tests. */
@FunctionalInterface
interface FrameDownsampler {
    MaxPoolDownsampler.Image downsample(byte[] pixels, PixelType type, int width, int height, int maxEdge);
}
