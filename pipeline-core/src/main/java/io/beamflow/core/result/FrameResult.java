package io.beamflow.core.result;

import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import java.io.Serializable;

/**
 * What the reduction job hands to sinks and live view: either a processed frame (with features and
 * decision) or a series marker. One type for all so that markers travel in order with the frames of
 * their series.
 *
 * <p>Mutable public fields so that Flink handles it as a POJO.
 */
public final class FrameResult implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Kind of result. */
    public enum Kind {
        /** A processed frame. */
        FRAME,
        /** A series started; {@link #metadataJson} carries the series metadata. */
        SERIES_START,
        /** A series ended; {@link #frameNumber} carries the number of frames the sender says it sent. */
        SERIES_END,
        /**
         * Internal to the reduction: a record the reduction dropped (and counted), kept only so that its place
         * in the sequence is filled when the stream is put back in order; it never reaches a sink.
         */
        DROPPED,
        /**
         * A frame of a quarantined series ({@link #quarantineReason}): its reduction or writing failed, so it is
         * counted as rejected with the reason instead of being written, and the series' master is marked failed.
         */
        QUARANTINED
    }

    /** Kind of this result. */
    public Kind kind = Kind.FRAME;
    /** Series id. */
    public String seriesId;
    /** Frame number (FRAME) or announced frame count (SERIES_END). */
    public long frameNumber;
    /** Assembled frame width. */
    public int width;
    /** Assembled frame height. */
    public int height;
    /** Pixel type of {@link #pixels}. */
    public PixelType pixelType = PixelType.UINT16;
    /** Acquisition time, ns since epoch. */
    public long acquisitionTimeNs;
    /** Ingest receive time of the (first) module part, ns since epoch. */
    public long receiveTimeNs;
    /**
     * Little-endian pixel data; {@code null} when the decision drops the pixels, or when only the encoded
     * {@link #chunk} travels on.
     */
    public byte[] pixels;
    /**
     * The pixels already encoded as one HDF5 chunk with {@link #chunkCodec} (in the reduction subtasks, so that
     * the exchange to the sink carries compressed bytes), or {@code null}; the sink writes it as it is.
     */
    public byte[] chunk;
    /** Codec of {@link #chunk}, the sink's compression name (e.g. {@code bslz4}). */
    public String chunkCodec;
    /** Whether module parts were missing at assembly (their pixels are masked). */
    public boolean incomplete;
    /** The decision. */
    public Decision decision = Decision.KEEP;
    /** Name of the rule that decided (empty: default keep). */
    public String ruleName = "";
    /** Version of the rule document that decided. */
    public long ruleVersion;
    /** Reduced data. */
    public FrameFeatures features = new FrameFeatures();
    /** Key of the ordered sequence this result belongs to (its stream, or its series once assembled). */
    public String orderKey;
    /** Position of this result in the sequence of {@link #orderKey}, from 0 without gaps. */
    public long sequence;
    /**
     * Whether this is a live-path sample: a fresh frame reduced for the live view only, while the record path
     * (which writes the files and counts) reduces every frame, possibly later.
     */
    public boolean preview;
    /** Series metadata JSON (SERIES_START only). */
    public String metadataJson;
    /**
     * Named arrays the sender gave at the series start (pixel mask, flat field, count-rate table), encoded as
     * {@link io.beamflow.core.wire.SeriesArrays}; SERIES_START only, {@code null} when none.
     */
    public byte[] seriesArrays;
    /**
     * Why this result's series is quarantined (a frame whose reduction failed, or a SERIES_START whose metadata
     * could not be used); {@code null} for the normal case.
     */
    public String quarantineReason;

    /**
     * @param header header of the (assembled) frame
     * @param pixels its pixel bytes
     * @return a KEEP frame result without features
     */
    public static FrameResult frame(FrameHeader header, byte[] pixels) {
        FrameResult r = new FrameResult();
        r.kind = Kind.FRAME;
        r.seriesId = header.seriesId();
        r.frameNumber = header.frameNumber();
        r.width = header.width();
        r.height = header.height();
        r.pixelType = header.pixelType();
        r.acquisitionTimeNs = header.acquisitionTimeNs();
        r.receiveTimeNs = header.receiveTimeNs();
        r.pixels = pixels;
        return r;
    }

    /**
     * @param seriesId     series
     * @param metadataJson series metadata
     * @return a SERIES_START marker
     */
    public static FrameResult seriesStart(String seriesId, String metadataJson) {
        FrameResult r = new FrameResult();
        r.kind = Kind.SERIES_START;
        r.seriesId = seriesId;
        r.metadataJson = metadataJson;
        return r;
    }

    /**
     * @param seriesId   series
     * @param frameCount frames the sender says it sent
     * @return a SERIES_END marker
     */
    public static FrameResult seriesEnd(String seriesId, long frameCount) {
        FrameResult r = new FrameResult();
        r.kind = Kind.SERIES_END;
        r.seriesId = seriesId;
        r.frameNumber = frameCount;
        return r;
    }

    /**
     * @return a new result with the same field values (arrays and features shared, not copied): what an operator
     *         keeps of an input record when Flink reuses input objects
     */
    public FrameResult shallowCopy() {
        FrameResult r = new FrameResult();
        r.kind = kind;
        r.seriesId = seriesId;
        r.frameNumber = frameNumber;
        r.width = width;
        r.height = height;
        r.pixelType = pixelType;
        r.acquisitionTimeNs = acquisitionTimeNs;
        r.receiveTimeNs = receiveTimeNs;
        r.pixels = pixels;
        r.chunk = chunk;
        r.chunkCodec = chunkCodec;
        r.seriesArrays = seriesArrays;
        r.incomplete = incomplete;
        r.decision = decision;
        r.ruleName = ruleName;
        r.ruleVersion = ruleVersion;
        r.features = features;
        r.orderKey = orderKey;
        r.sequence = sequence;
        r.preview = preview;
        r.metadataJson = metadataJson;
        r.quarantineReason = quarantineReason;
        return r;
    }

    /**
     * @param seriesId    series
     * @param frameNumber frame number
     * @param reason      why the series is quarantined
     * @return a QUARANTINED frame result
     */
    public static FrameResult quarantined(String seriesId, long frameNumber, String reason) {
        FrameResult r = new FrameResult();
        r.kind = Kind.QUARANTINED;
        r.seriesId = seriesId;
        r.frameNumber = frameNumber;
        r.quarantineReason = reason;
        r.features = null;
        return r;
    }

    @Override
    public String toString() {
        return "FrameResult{" + kind + ' ' + seriesId + '#' + frameNumber + ' ' + decision + '}';
    }
}
