package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.receive.MessageParts;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The native Beamflow protocol: FRAME = [header, payload], SERIES_START = [header, JSON],
 * SERIES_END = [header]. The received header part itself becomes the journal record's header
 * (receive time stamped in place), and the payload part (decoded by JeroMQ into a pooled direct
 * buffer) is appended from where it was received: one copy from the socket buffer to the journal. A FRAME with a
 * version-2 header carries bitshuffle+LZ4 pixels (HDF5 filter 32008 chunk), journaled as sent after a structural
 * check.
 */
public final class NativeProtocolAdapter implements ProtocolAdapter {
    /** Name of this protocol in configuration. */
    public static final String NAME = "native";

    private final IngestRecordWriter writer;
    private final WireLimits limits;
    private final NativeHeaderFlyweight flyweight = new NativeHeaderFlyweight();
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(new byte[0]);
    private String lastSeriesId = "";

    /**
     * @param writer journal writer of the stream
     * @param limits size limits
     */
    public NativeProtocolAdapter(IngestRecordWriter writer, WireLimits limits) {
        this.writer = writer;
        this.limits = limits;
    }

    @Override
    public String protocolName() {
        return NAME;
    }

    @Override
    public boolean onMessage(MessageParts parts) {
        byte[] header = parts.part(0);
        if (header.length > limits.maxHeaderBytes()) {
            return writer.reject(RejectReason.HEADER_TOO_LARGE, null, -1,
                    "header part of " + header.length + " bytes, limit " + limits.maxHeaderBytes());
        }
        headerBuffer.wrap(header);
        if (!flyweight.wrap(headerBuffer, 0, header.length)) {
            return writer.reject(RejectReason.TRUNCATED_HEADER, null, -1,
                    "header part of " + header.length + " bytes, need " + NativeHeaderFlyweight.FIXED_LENGTH);
        }
        RejectReason invalid = flyweight.validate(limits);
        if (invalid != null) {
            return writer.reject(invalid, null, -1, describeHeader());
        }
        String seriesId = seriesId();
        MessageType type = flyweight.messageType();
        int expectedParts = type == MessageType.SERIES_END ? 1 : 2;
        if (parts.count() != expectedParts) {
            return writer.reject(RejectReason.WRONG_PART_COUNT, seriesId, moduleOf(type),
                    type + " with " + parts.count() + " parts, expected " + expectedParts);
        }
        return switch (type) {
            case FRAME -> onFrame(parts, seriesId);
            case SERIES_START -> onSeriesStart(parts.part(1), seriesId);
            case SERIES_END -> writer.write(headerBuffer, header.length, seriesId, null, 0, 0);
        };
    }

    private boolean onFrame(MessageParts parts, String seriesId) {
        int length = parts.length(1);
        if (length != flyweight.payloadLength()) {
            return writer.reject(RejectReason.PAYLOAD_LENGTH_MISMATCH, seriesId, flyweight.moduleIndex(),
                    "frame " + flyweight.frameNumber() + ": payload part has " + length
                            + " bytes, header declares " + flyweight.payloadLength());
        }
        if (flyweight.payloadCodec() == PayloadCodec.BSLZ4) {
            // a version-2 header: bitshuffle+LZ4 pixels, journaled as sent once their structure is checked
            int pixelBytes = PixelType.fromCode(flyweight.pixelTypeCode()).bytes();
            long raw = (long) flyweight.width() * flyweight.height() * pixelBytes; // validated against the limits
            String problem = BitshuffleLz4Codec.checkStructure(parts.view(1), 0, length, raw, pixelBytes);
            if (problem != null) {
                return writer.reject(RejectReason.BAD_ENCODING, seriesId, flyweight.moduleIndex(),
                        "frame " + flyweight.frameNumber() + ": " + problem);
            }
        }
        return writer.write(headerBuffer, flyweight.encodedLength(), seriesId, parts.view(1), 0, length);
    }

    private boolean onSeriesStart(byte[] json, String seriesId) {
        if (json.length > limits.maxHeaderBytes()) {
            return writer.reject(RejectReason.HEADER_TOO_LARGE, seriesId, -1,
                    "series metadata of " + json.length + " bytes, limit " + limits.maxHeaderBytes());
        }
        JsonNode meta = JsonParts.parseObject(json);
        if (meta == null) {
            return writer.reject(RejectReason.BAD_JSON, seriesId, -1,
                    "series metadata is not a JSON object: " + JsonParts.describe(json));
        }
        String shapeProblem = SenderNumbers.shapeProblem(meta, limits);
        if (shapeProblem != null) {
            return writer.reject(RejectReason.BAD_SHAPE, seriesId, -1, "series metadata: " + shapeProblem);
        }
        return writer.write(headerBuffer, flyweight.encodedLength(), seriesId, new UnsafeBuffer(json), 0, json.length);
    }

    private int moduleOf(MessageType type) {
        return type == MessageType.FRAME ? flyweight.moduleIndex() : -1;
    }

    private String seriesId() {
        if (!flyweight.seriesIdEquals(lastSeriesId)) {
            lastSeriesId = flyweight.seriesId();
        }
        return lastSeriesId;
    }

    private String describeHeader() {
        return "type " + flyweight.messageType() + " frame " + flyweight.frameNumber() + " module "
                + flyweight.moduleIndex() + "/" + flyweight.moduleCount() + " shape " + flyweight.width() + "x"
                + flyweight.height() + " pixel type " + flyweight.pixelTypeCode() + " payload length "
                + flyweight.payloadLength();
    }
}
