package io.beamflow.reduce.flink;

import io.beamflow.core.frame.PixelType;

/** Keyed state of a frame being assembled from module parts (a Flink POJO). */
public final class PartialFrame {
    /** Assembled pixels so far. */
    public byte[] pixels;
    /** Bit i set: module i arrived. */
    public long presentMask;
    /** Processing time the first part arrived, ms. */
    public long firstArrivalMs;
    /** Acquisition time of the first part. */
    public long acquisitionTimeNs;
    /** Receive time of the first part. */
    public long receiveTimeNs;
    /** Pixel type of the parts. */
    public PixelType pixelType;
    /** Width of each arrived part (index: module). */
    public int[] partWidth;
    /** Height of each arrived part (index: module). */
    public int[] partHeight;
}
