package io.beamflow.core.wire;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the binary header part of the native Beamflow protocol (little-endian throughout).
 * The same bytes are stored as the header of each journal record.
 *
 * <pre>
 * offset size field
 *  0     4    magic "BFLW" (0x574C4642 little-endian)
 *  4     2    version (1)
 *  6     2    message type ({@link MessageType#code()})
 *  8     8    frame number
 * 16     8    acquisition time, ns since epoch
 * 24     8    receive time, ns since epoch (set by the ingest node; senders write 0)
 * 32     4    module index
 * 36     4    module count
 * 40     4    width  (x, fast axis)
 * 44     4    height (y, slow axis)
 * 48     4    pixel type code ({@link PixelType#code()}); version 2: 48 u16 pixel type code, 50 u16 payload codec
 * 52     4    series id length in bytes (1..64, ASCII)
 * 56     8    payload length in bytes (FRAME) or frame count (SERIES_END)
 * 64     n    series id
 * </pre>
 *
 * <p>Version 2 is the same layout for a FRAME whose body is compressed ({@link PayloadCodec}, e.g. the
 * bitshuffle+LZ4 chunk a DECTRIS detector sent): the payload length is then the compressed body's length and
 * the pixel type field holds the codec in its upper half. Raw frames and markers are written as version 1, so
 * journals written before compressed frames existed read the same, and a reader that knows only version 1
 * refuses a compressed record instead of taking its bytes for pixels.
 *
 * <p>{@link #wrap} checks only that the fixed part is present; {@link #validate} checks everything
 * else without allocating.
 */
public final class NativeHeaderFlyweight {
    /** Protocol magic, "BFLW" read as a little-endian int. */
    public static final int MAGIC = 0x574C4642;
    /** Current protocol version. */
    public static final short VERSION = 1;
    /** Version of a FRAME header whose body is compressed ({@link #payloadCodec()}). */
    public static final short COMPRESSED_VERSION = 2;
    /** Length of the fixed part before the series id. */
    public static final int FIXED_LENGTH = 64;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int TYPE_OFFSET = 6;
    private static final int FRAME_NUMBER_OFFSET = 8;
    private static final int ACQ_TIME_OFFSET = 16;
    private static final int RECV_TIME_OFFSET = 24;
    private static final int MODULE_INDEX_OFFSET = 32;
    private static final int MODULE_COUNT_OFFSET = 36;
    private static final int WIDTH_OFFSET = 40;
    private static final int HEIGHT_OFFSET = 44;
    private static final int PIXEL_TYPE_OFFSET = 48;
    private static final int CODEC_OFFSET = 50;
    private static final int SERIES_ID_LENGTH_OFFSET = 52;
    private static final int PAYLOAD_LENGTH_OFFSET = 56;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * Wraps a header part.
     *
     * @return {@code false} if the region is shorter than {@link #FIXED_LENGTH}
     */
    public boolean wrap(DirectBuffer buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return length >= FIXED_LENGTH && offset >= 0 && (long) offset + length <= buffer.capacity();
    }

    /**
     * Wraps the header at the start of a journal record (header followed by its body), using the
     * series id length to find where the header ends, so that {@link #validate} applies the header
     * limit to the header alone. Read the body from {@code offset + encodedLength()}.
     *
     * @param buffer record bytes
     * @param offset start of the record
     * @param length record length (header + body)
     * @return {@code false} if the record is too short for its header
     */
    public boolean wrapRecord(DirectBuffer buffer, int offset, int length) {
        if (!wrap(buffer, offset, length)) {
            return false;
        }
        int idLength = seriesIdLength();
        if (idLength < 0 || idLength > length - FIXED_LENGTH) {
            return true;
        }
        this.length = FIXED_LENGTH + idLength;
        return true;
    }

    /**
     * Validates the wrapped header against the protocol and {@code limits}.
     *
     * @param limits configured limits
     * @return {@code null} when valid, otherwise the reason for rejection
     */
    public RejectReason validate(WireLimits limits) {
        if (length < FIXED_LENGTH) {
            return RejectReason.TRUNCATED_HEADER;
        }
        if (length > limits.maxHeaderBytes()) {
            return RejectReason.HEADER_TOO_LARGE;
        }
        if (magic() != MAGIC) {
            return RejectReason.BAD_MAGIC;
        }
        int version = version();
        if (version != VERSION && version != COMPRESSED_VERSION) {
            return RejectReason.UNSUPPORTED_VERSION;
        }
        MessageType type = messageType();
        if (type == null) {
            return RejectReason.UNKNOWN_MESSAGE_TYPE;
        }
        PayloadCodec codec = payloadCodec();
        if (version == COMPRESSED_VERSION && (type != MessageType.FRAME || codec == null || codec == PayloadCodec.RAW)) {
            return RejectReason.BAD_ENCODING;
        }
        int idLength = seriesIdLength();
        if (idLength <= 0 || idLength > FrameHeader.MAX_SERIES_ID_LENGTH) {
            return RejectReason.BAD_SERIES_ID;
        }
        if (FIXED_LENGTH + idLength > length) {
            return RejectReason.TRUNCATED_HEADER;
        }
        if (!seriesIdCharsValid(idLength)) {
            return RejectReason.BAD_SERIES_ID;
        }
        if (type != MessageType.FRAME) {
            return validateMarker(type, limits);
        }
        PixelType pixelType = PixelType.fromCode(pixelTypeCode());
        if (pixelType == null) {
            return RejectReason.UNKNOWN_PIXEL_TYPE;
        }
        int w = width();
        int h = height();
        int mc = moduleCount();
        int mi = moduleIndex();
        if (w <= 0 || h <= 0 || mc <= 0 || mi < 0 || mi >= mc) {
            return RejectReason.BAD_SHAPE;
        }
        long declared = payloadLength();
        if (declared < 0 || frameNumber() < 0) {
            return RejectReason.BAD_NUMBER;
        }
        // overflow-safe: (long) w * h * 4 wraps for w = h = 2^31 - 1
        long implied = limits.frameBytes(w, h, pixelType.bytes());
        if (implied < 0 || codec == PayloadCodec.RAW && declared > limits.maxFrameBytes()) {
            return RejectReason.FRAME_TOO_LARGE;
        }
        if (codec != PayloadCodec.RAW) {
            boolean fits = declared >= BitshuffleLz4Codec.HEADER_BYTES
                    && declared <= BitshuffleLz4Codec.compressedLengthBound(implied);
            return fits ? null : RejectReason.PAYLOAD_LENGTH_MISMATCH;
        }
        if (declared != implied) {
            return RejectReason.PAYLOAD_LENGTH_MISMATCH;
        }
        return null;
    }

    /** SERIES_START may carry the image shape (0: unknown); SERIES_END carries the frame count. */
    private RejectReason validateMarker(MessageType type, WireLimits limits) {
        if (type == MessageType.SERIES_END) {
            return payloadLength() < 0 ? RejectReason.BAD_NUMBER : null;
        }
        int w = width();
        int h = height();
        if (w < 0 || h < 0) {
            return RejectReason.BAD_SHAPE;
        }
        if (w > 0 && h > 0 && limits.frameBytes(w, h, 1) < 0) {
            return RejectReason.FRAME_TOO_LARGE;
        }
        return null;
    }

    private boolean seriesIdCharsValid(int idLength) {
        int base = offset + FIXED_LENGTH;
        for (int i = 0; i < idLength; i++) {
            byte c = buffer.getByte(base + i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok || (i == 0 && (c == '.' || c == '-'))) {
                return false;
            }
        }
        return true;
    }

    /** @return bytes this header occupies: fixed part plus series id */
    public int encodedLength() {
        return FIXED_LENGTH + seriesIdLength();
    }

    /** @return the magic field */
    public int magic() {
        return buffer.getInt(offset + MAGIC_OFFSET, LE);
    }

    /** @return the version field */
    public int version() {
        return buffer.getShort(offset + VERSION_OFFSET, LE) & 0xFFFF;
    }

    /** @return the message type, or {@code null} when unknown */
    public MessageType messageType() {
        return MessageType.fromCode(buffer.getShort(offset + TYPE_OFFSET, LE) & 0xFFFF);
    }

    /** @return the frame number */
    public long frameNumber() {
        return buffer.getLong(offset + FRAME_NUMBER_OFFSET, LE);
    }

    /** @return acquisition time in ns since the epoch */
    public long acquisitionTimeNs() {
        return buffer.getLong(offset + ACQ_TIME_OFFSET, LE);
    }

    /** @return receive time in ns since the epoch */
    public long receiveTimeNs() {
        return buffer.getLong(offset + RECV_TIME_OFFSET, LE);
    }

    /** @return the module index */
    public int moduleIndex() {
        return buffer.getInt(offset + MODULE_INDEX_OFFSET, LE);
    }

    /** @return the module count */
    public int moduleCount() {
        return buffer.getInt(offset + MODULE_COUNT_OFFSET, LE);
    }

    /** @return the width in pixels */
    public int width() {
        return buffer.getInt(offset + WIDTH_OFFSET, LE);
    }

    /** @return the height in pixels */
    public int height() {
        return buffer.getInt(offset + HEIGHT_OFFSET, LE);
    }

    /** @return the raw pixel type code */
    public int pixelTypeCode() {
        return version() == COMPRESSED_VERSION ? buffer.getShort(offset + PIXEL_TYPE_OFFSET, LE) & 0xFFFF
                : buffer.getInt(offset + PIXEL_TYPE_OFFSET, LE);
    }

    /** @return how the body is encoded ({@link PayloadCodec#RAW} for version 1), or {@code null} when unknown */
    public PayloadCodec payloadCodec() {
        return version() == COMPRESSED_VERSION
                ? PayloadCodec.fromCode(buffer.getShort(offset + CODEC_OFFSET, LE) & 0xFFFF) : PayloadCodec.RAW;
    }

    /** @return the series id length in bytes */
    public int seriesIdLength() {
        return buffer.getInt(offset + SERIES_ID_LENGTH_OFFSET, LE);
    }

    /** @return payload length (FRAME: of the body as stored, compressed or not) or frame count (SERIES_END) */
    public long payloadLength() {
        return buffer.getLong(offset + PAYLOAD_LENGTH_OFFSET, LE);
    }

    /** @return the series id; allocates, so call only after {@link #validate} */
    public String seriesId() {
        byte[] bytes = new byte[seriesIdLength()];
        buffer.getBytes(offset + FIXED_LENGTH, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /**
     * Compares the series id with {@code id} without allocating.
     *
     * @param id an ASCII series id
     * @return whether they are equal
     */
    public boolean seriesIdEquals(String id) {
        int n = seriesIdLength();
        if (n != id.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buffer.getByte(offset + FIXED_LENGTH + i) != (byte) id.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Builds the model header; only for validated FRAME headers.
     *
     * @return a new immutable header
     */
    public FrameHeader toFrameHeader() {
        return new FrameHeader(seriesId(), frameNumber(), moduleIndex(), moduleCount(), width(), height(),
                PixelType.fromCode(pixelTypeCode()), acquisitionTimeNs(), receiveTimeNs());
    }

    /**
     * Overwrites the receive-time field in place (used by the ingest node before journaling).
     *
     * @param target  mutable view of the same bytes
     * @param nanos   receive time
     */
    public void receiveTimeNs(MutableDirectBuffer target, long nanos) {
        target.putLong(offset + RECV_TIME_OFFSET, nanos, LE);
    }

    /**
     * Encodes a header.
     *
     * @return bytes written
     */
    public static int encode(MutableDirectBuffer dst, int at, MessageType type, String seriesId, long frameNumber,
            int moduleIndex, int moduleCount, int width, int height, PixelType pixelType,
            long acquisitionTimeNs, long receiveTimeNs, long payloadLengthOrFrameCount) {
        return encode(dst, at, type, seriesId, frameNumber, moduleIndex, moduleCount, width, height, pixelType,
                acquisitionTimeNs, receiveTimeNs, payloadLengthOrFrameCount, PayloadCodec.RAW);
    }

    /**
     * Encodes a header whose body is encoded with {@code codec}: version 1 for {@link PayloadCodec#RAW}, else a
     * version 2 FRAME header.
     *
     * @param payloadLengthOrFrameCount the body's length as stored (compressed bytes for a compressed frame)
     * @return bytes written
     */
    public static int encode(MutableDirectBuffer dst, int at, MessageType type, String seriesId, long frameNumber,
            int moduleIndex, int moduleCount, int width, int height, PixelType pixelType,
            long acquisitionTimeNs, long receiveTimeNs, long payloadLengthOrFrameCount, PayloadCodec codec) {
        boolean compressed = codec != PayloadCodec.RAW;
        if (compressed && type != MessageType.FRAME) {
            throw new IllegalArgumentException("only a FRAME body can be compressed, not a " + type);
        }
        byte[] id = seriesId.getBytes(StandardCharsets.US_ASCII);
        dst.putInt(at + MAGIC_OFFSET, MAGIC, LE);
        dst.putShort(at + VERSION_OFFSET, compressed ? COMPRESSED_VERSION : VERSION, LE);
        dst.putShort(at + TYPE_OFFSET, (short) type.code(), LE);
        dst.putLong(at + FRAME_NUMBER_OFFSET, frameNumber, LE);
        dst.putLong(at + ACQ_TIME_OFFSET, acquisitionTimeNs, LE);
        dst.putLong(at + RECV_TIME_OFFSET, receiveTimeNs, LE);
        dst.putInt(at + MODULE_INDEX_OFFSET, moduleIndex, LE);
        dst.putInt(at + MODULE_COUNT_OFFSET, moduleCount, LE);
        dst.putInt(at + WIDTH_OFFSET, width, LE);
        dst.putInt(at + HEIGHT_OFFSET, height, LE);
        dst.putInt(at + PIXEL_TYPE_OFFSET, pixelType == null ? 0 : pixelType.code(), LE);
        if (compressed) {
            dst.putShort(at + CODEC_OFFSET, (short) codec.code(), LE);
        }
        dst.putInt(at + SERIES_ID_LENGTH_OFFSET, id.length, LE);
        dst.putLong(at + PAYLOAD_LENGTH_OFFSET, payloadLengthOrFrameCount, LE);
        dst.putBytes(at + FIXED_LENGTH, id);
        return FIXED_LENGTH + id.length;
    }

    /**
     * Encodes the header of a frame.
     *
     * @return bytes written
     */
    public static int encodeFrame(MutableDirectBuffer dst, int at, FrameHeader h) {
        return encode(dst, at, MessageType.FRAME, h.seriesId(), h.frameNumber(), h.moduleIndex(), h.moduleCount(),
                h.width(), h.height(), h.pixelType(), h.acquisitionTimeNs(), h.receiveTimeNs(), h.payloadLength());
    }
}
