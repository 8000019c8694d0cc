package io.beamflow.reduce.flink.source;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.SeriesArrays;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.WireLimits;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Validates a journal record (native header + body) and copies it out into a {@link JournalRecord}: version-1
 * records (raw pixels, markers) and version-2 FRAME records (a compressed body, copied as it is, with its codec).
 */
public final class JournalRecordDecoder {
    private final NativeHeaderFlyweight header = new NativeHeaderFlyweight();
    private final WireLimits limits;
    private String lastError = "";

    /** @param limits largest accepted header and frame */
    public JournalRecordDecoder(WireLimits limits) {
        this.limits = limits;
    }

    /** @return why the last {@link #decode} returned {@code null} */
    public String lastError() {
        return lastError;
    }

    /**
     * @param streamId stream the record belongs to
     * @param index    its journal index
     * @param buffer   record bytes (valid only during the call)
     * @param offset   start of the record
     * @param length   record length
     * @return the copied record, or {@code null} when the record is malformed (see {@link #lastError()})
     */
    public JournalRecord decode(String streamId, long index, DirectBuffer buffer, int offset, int length) {
        return decode(streamId, index, buffer, offset, length, r -> true);
    }

    /** Decides from a frame's header whether its pixels are copied out. */
    @FunctionalInterface
    public interface PixelFilter {
        /**
         * @param frame a FRAME record with its header fields set and no payload yet
         * @return whether to copy its pixels
         */
        boolean wantPixels(JournalRecord frame);
    }

    /**
     * As {@link #decode(String, long, DirectBuffer, int, int)}, but copies a frame's pixels only when
     * {@code filter} wants them (a frame without them has a {@code null} payload).
     *
     * @param streamId stream the record belongs to
     * @param index    its journal index
     * @param buffer   record bytes (valid only during the call)
     * @param offset   start of the record
     * @param length   record length
     * @param filter   which frames' pixels to copy
     * @return the copied record, or {@code null} when the record is malformed (see {@link #lastError()})
     */
    public JournalRecord decode(String streamId, long index, DirectBuffer buffer, int offset, int length,
            PixelFilter filter) {
        if (!header.wrapRecord(buffer, offset, length)) {
            return reject("record of " + length + " bytes is shorter than a header");
        }
        RejectReason reason = header.validate(limits);
        if (reason != null) {
            return reject(reason.name());
        }
        int headerLength = header.encodedLength();
        int bodyLength = length - headerLength;
        JournalRecord r = new JournalRecord();
        r.type = header.messageType();
        r.streamId = streamId;
        r.journalIndex = index;
        r.seriesId = header.seriesId();
        r.frameNumber = header.frameNumber();
        r.acquisitionTimeNs = header.acquisitionTimeNs();
        r.receiveTimeNs = header.receiveTimeNs();
        if (r.type == MessageType.FRAME) {
            if (bodyLength != header.payloadLength()) {
                return reject("body has " + bodyLength + " bytes, header declares " + header.payloadLength());
            }
            r.moduleIndex = header.moduleIndex();
            r.moduleCount = header.moduleCount();
            r.width = header.width();
            r.height = header.height();
            r.pixelType = PixelType.fromCode(header.pixelTypeCode());
            r.payloadCodec = header.payloadCodec();
            if (filter.wantPixels(r)) {
                r.payload = new byte[bodyLength];
                buffer.getBytes(offset + headerLength, r.payload);
            }
        } else if (r.type == MessageType.SERIES_START) {
            byte[] body = new byte[Math.max(0, bodyLength)];
            buffer.getBytes(offset + headerLength, body);
            int jsonLength = SeriesArrays.jsonLength(body); // named arrays may follow the JSON after a NUL
            r.metadataJson = jsonLength == 0 ? "{}" : new String(body, 0, jsonLength, StandardCharsets.UTF_8);
            r.seriesArrays = SeriesArrays.splitStartBody(body);
            r.moduleCount = Math.max(1, header.moduleCount());
        } else {
            r.frameNumber = header.payloadLength();
            r.moduleIndex = Math.max(0, header.moduleIndex());
            r.moduleCount = Math.max(1, header.moduleCount());
        }
        return r;
    }

    private JournalRecord reject(String why) {
        lastError = why;
        return null;
    }
}
