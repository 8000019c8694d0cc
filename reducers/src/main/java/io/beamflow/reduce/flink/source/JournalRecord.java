package io.beamflow.reduce.flink.source;

import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;

/**
 * One journal record copied out of the journal by the source: a frame (or module part) with its
 * pixels, or a series marker. Mutable public fields so that Flink treats it as a POJO.
 */
public final class JournalRecord {
    /** Kind of record. */
    public MessageType type = MessageType.FRAME;
    /** Stream (journal) the record came from. */
    public String streamId;
    /** Journal index of the record. */
    public long journalIndex;
    /** Series id. */
    public String seriesId;
    /** Frame number (FRAME) or frames sent (SERIES_END). */
    public long frameNumber;
    /** Module index of this part. */
    public int moduleIndex;
    /** Number of modules of the full frame. */
    public int moduleCount = 1;
    /** Width of this part. */
    public int width;
    /** Height of this part. */
    public int height;
    /** Pixel type. */
    public PixelType pixelType = PixelType.UINT16;
    /** Acquisition time, ns since epoch. */
    public long acquisitionTimeNs;
    /** Ingest receive time, ns since epoch. */
    public long receiveTimeNs;
    /**
     * Directory of the local journal that holds this frame's pixels when they were left there (the record is a
     * reference; the reduction reads them by {@link #journalIndex}), else {@code null}.
     */
    public String journalDirectory;
    /**
     * The frame's body as journaled (FRAME only; {@code null} while it is left in the journal): little-endian pixels,
     * or the compressed chunk the detector sent (see {@link #payloadCodec}).
     */
    public byte[] payload;
    /** Encoding of {@link #payload}; module assembly and the reduction decompress a compressed one. */
    public PayloadCodec payloadCodec = PayloadCodec.RAW;
    /** Whether module parts were missing at assembly. */
    public boolean incomplete;
    /** Pixels invalid from assembly (non-zero: missing module or gap), or {@code null}. */
    public byte[] invalidMask;
    /**
     * Key of the ordered sequence this record belongs to: its stream, or its series once assembled from modules.
     * Records of one key are put back in order after the frame-parallel reduction.
     */
    public String orderKey;
    /** Position of this record in the sequence of {@link #orderKey}, from 0 without gaps. */
    public long sequence;
    /** Series metadata (SERIES_START only). */
    public String metadataJson;
    /** Named arrays of the series start ({@link io.beamflow.core.wire.SeriesArrays} encoding), or {@code null}. */
    public byte[] seriesArrays;

    @Override
    public String toString() {
        return "JournalRecord{" + type + ' ' + streamId + '@' + journalIndex + ' ' + seriesId + '#' + frameNumber
                + " module " + moduleIndex + '/' + moduleCount + '}';
    }
}
