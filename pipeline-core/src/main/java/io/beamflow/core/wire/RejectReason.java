package io.beamflow.core.wire;

/**
 * Why an incoming message was rejected. Every reason has its own counter (tag {@code reason}) and a
 * rate-limited log line, so that a DAQ operator can see exactly what is wrong with what they send.
 */
public enum RejectReason {
    /** The multipart message has a part count the message type does not allow. */
    WRONG_PART_COUNT,
    /** The header part is shorter than the fixed header or than its declared series id. */
    TRUNCATED_HEADER,
    /** The header part is longer than the configured maximum header size. */
    HEADER_TOO_LARGE,
    /** The header does not start with the protocol magic. */
    BAD_MAGIC,
    /** The protocol version is not one this node understands. */
    UNSUPPORTED_VERSION,
    /** The message type code is unknown. */
    UNKNOWN_MESSAGE_TYPE,
    /** The pixel type is unknown. */
    UNKNOWN_PIXEL_TYPE,
    /** Width, height or module fields are out of range. */
    BAD_SHAPE,
    /** The series id is empty, too long or has characters outside {@code [A-Za-z0-9._-]}. */
    BAD_SERIES_ID,
    /** The declared or actual frame size exceeds the configured maximum frame size. */
    FRAME_TOO_LARGE,
    /** The payload length differs from shape x pixel size, or from the declared payload length. */
    PAYLOAD_LENGTH_MISMATCH,
    /** A JSON part does not parse or lacks a required field. */
    BAD_JSON,
    /** Payload compression could not be decoded. */
    BAD_ENCODING,
    /** A frame number went backwards within a series and module. */
    NON_MONOTONIC_FRAME_NUMBER,
    /** A frame number was seen before within a series and module. */
    DUPLICATE_FRAME_NUMBER,
    /**
     * A SERIES_START or SERIES_END that the series (and module) already has in the journal, e.g. re-sent by a
     * detector after a node restart.
     */
    DUPLICATE_SERIES_MARKER,
    /** A frame arrived for a series that was not started (or already ended) where one is required. */
    UNKNOWN_SERIES,
    /** The node failed while handling an otherwise valid message (e.g. a journal write error); see the log. */
    INTERNAL_ERROR,
    /**
     * A number the sender wrote is not an integer or is out of its range (a series {@code 7001.5}, a
     * negative frame number or payload length, a value beyond 64 bits).
     */
    BAD_NUMBER,
    /**
     * A multipart message had more parts or bytes than the node accepts; it was cut off while it
     * arrived (before ZeroMQ assembled it) and the rest of it was discarded.
     */
    MESSAGE_TOO_LARGE,
    /**
     * A CBOR message (DECTRIS stream v2) does not decode: truncated, not well-formed, nested deeper or
     * holding more items than the node accepts, or not the map a message must be.
     */
    BAD_CBOR,
    /** A CBOR message carries a tag the node does not know (or one where the protocol does not allow it). */
    UNKNOWN_CBOR_TAG
}
