package io.beamflow.ingest.protocol;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.wire.RejectReason;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Decodes the data part of a DECTRIS stream {@code dimage_d-1.0} message into raw little-endian pixels:
 * {@code <} (raw), {@code lz4<} (one LZ4 block) and {@code bs8-lz4<}/{@code bs16-lz4<}/{@code bs32-lz4<}
 * (bitshuffle+LZ4, the HDF5 filter 32008 chunk format). The output size is always the one implied by
 * shape and type, checked against the frame limit by the caller before anything is allocated; the
 * output buffer is reused between frames.
 */
public final class SimplonImageDecoder {
    private final LZ4SafeDecompressor lz4 = LZ4Factory.fastestInstance().safeDecompressor();
    private final BitshuffleDecoder bitshuffle;
    private byte[] output = new byte[0];
    private String error = "";

    /** Decompresses bitshuffle+LZ4 data (HDF5 filter 32008 chunk format). */
    public interface BitshuffleDecoder {
        /**
         * @return the total uncompressed length the data's header declares
         */
        long uncompressedLength(byte[] src, int off, int len);

        /**
         * @return bytes written to {@code dst}
         */
        int decompress(byte[] src, int off, int len, int elementSize, byte[] dst, int dstOff);
    }

    /** @param bitshuffle bitshuffle+LZ4 decoder, or {@code null} if not available */
    public SimplonImageDecoder(BitshuffleDecoder bitshuffle) {
        this.bitshuffle = bitshuffle;
    }

    /**
     * @param encoding an {@code encoding} field
     * @return whether it means uncompressed little-endian pixels
     */
    public static boolean isRaw(String encoding) {
        return encoding.equals("<") || encoding.isEmpty();
    }

    /**
     * Which encodings are journaled as received (and written to the data files as they are): bitshuffle+LZ4,
     * the HDF5 filter 32008 chunk format.
     *
     * @param encoding an {@code encoding} field
     * @return the codec the data keep in the journal, or {@code null} when they are decoded at ingest
     */
    public static PayloadCodec passThroughCodec(String encoding) {
        return switch (encoding) {
            case "bs8-lz4<", "bs16-lz4<", "bs32-lz4<" -> PayloadCodec.BSLZ4;
            default -> null;
        };
    }

    /**
     * Checks compressed data that are journaled as received ({@link #passThroughCodec}) without decompressing
     * them: element size against the pixel type, the 12-byte header's total against shape and type, the block
     * size, and every block's compressed length against the data (overflow-safe). Corrupt LZ4 content inside a
     * well-formed block is found when the reduction decompresses the frame (it quarantines it there).
     *
     * @param encoding   the {@code encoding} field (one {@link #passThroughCodec} accepts)
     * @param data       the data part
     * @param offset     its first byte
     * @param length     its length
     * @param rawLength  bytes the image has uncompressed (shape x pixel size), already checked against limits
     * @param pixelBytes bytes per pixel
     * @return {@code null} when the data may be journaled, else the reason ({@link #error()} says more)
     */
    public RejectReason checkCompressed(String encoding, org.agrona.DirectBuffer data, int offset, int length,
            long rawLength, int pixelBytes) {
        int elementSize = encoding.startsWith("bs8") ? 1 : encoding.startsWith("bs16") ? 2 : 4;
        return checkBitshuffle(elementSize, data, offset, length, rawLength, pixelBytes);
    }

    /**
     * As {@link #checkCompressed}, for a protocol that gives the element size itself (stream v2's compression tag
     * {@code ["bslz4", elementSize, bytes]}).
     *
     * @param elementSize the element size the sender declares
     * @param data        the compressed bytes (12-byte header first)
     * @param offset      their first byte
     * @param length      their length
     * @param rawLength   bytes the image has uncompressed, already checked against limits
     * @param pixelBytes  bytes per pixel of the image's type
     * @return {@code null} when the data may be journaled as {@link PayloadCodec#BSLZ4}, else the reason
     */
    public RejectReason checkBitshuffle(int elementSize, org.agrona.DirectBuffer data, int offset, int length,
            long rawLength, int pixelBytes) {
        if (elementSize != pixelBytes) {
            error = "bitshuffle/LZ4 element size " + elementSize + " with " + pixelBytes + "-byte pixels";
            return RejectReason.BAD_ENCODING;
        }
        String problem = BitshuffleLz4Codec.checkStructure(data, offset, length, rawLength, elementSize);
        if (problem != null) {
            error = problem;
            boolean wrongSize = length >= BitshuffleLz4Codec.HEADER_BYTES
                    && data.getLong(offset, java.nio.ByteOrder.BIG_ENDIAN) != rawLength;
            return wrongSize ? RejectReason.PAYLOAD_LENGTH_MISMATCH : RejectReason.BAD_ENCODING;
        }
        return null;
    }

    /** @return the buffer holding the last decoded image (valid until the next call) */
    public byte[] output() {
        return output;
    }

    /** @return a description of the last failure */
    public String error() {
        return error;
    }

    /**
     * Decodes {@code data} into {@link #output()} (or, for raw data, checks it in place).
     *
     * @param encoding    the {@code encoding} field
     * @param data        the data part
     * @param rawLength   bytes the image must have (shape x pixel size), already checked against limits
     * @param pixelBytes  bytes per pixel
     * @return {@code null} on success ({@code output()} or, for raw, {@code data} holds the pixels), else the reason
     */
    public RejectReason decode(String encoding, byte[] data, int rawLength, int pixelBytes) {
        switch (encoding) {
            case "<", "" -> {
                if (data.length != rawLength) {
                    error = "raw data part has " + data.length + " bytes, shape and type imply " + rawLength;
                    return RejectReason.PAYLOAD_LENGTH_MISMATCH;
                }
                return null;
            }
            case "lz4<" -> {
                ensureOutput(rawLength);
                try {
                    int n = lz4.decompress(data, 0, data.length, output, 0, rawLength);
                    if (n != rawLength) {
                        error = "lz4 data decompressed to " + n + " bytes, shape and type imply " + rawLength;
                        return RejectReason.PAYLOAD_LENGTH_MISMATCH;
                    }
                    return null;
                } catch (LZ4Exception e) {
                    error = "lz4 data does not decompress: " + e.getMessage();
                    return RejectReason.BAD_ENCODING;
                }
            }
            case "bs8-lz4<", "bs16-lz4<", "bs32-lz4<" -> {
                return decodeBitshuffle(encoding, data, rawLength, pixelBytes);
            }
            default -> {
                error = "unsupported encoding '" + encoding + "' (supported: <, lz4<, bs8-lz4<, bs16-lz4<, bs32-lz4<)";
                return RejectReason.BAD_ENCODING;
            }
        }
    }

    private RejectReason decodeBitshuffle(String encoding, byte[] data, int rawLength, int pixelBytes) {
        if (bitshuffle == null) {
            error = "bitshuffle+LZ4 decoder not available";
            return RejectReason.BAD_ENCODING;
        }
        int elementSize = encoding.startsWith("bs8") ? 1 : encoding.startsWith("bs16") ? 2 : 4;
        if (elementSize != pixelBytes) {
            error = encoding + " with " + pixelBytes + "-byte pixels";
            return RejectReason.BAD_ENCODING;
        }
        if (data.length < 12) {
            error = "bitshuffle data part of " + data.length + " bytes is shorter than its 12-byte header";
            return RejectReason.BAD_ENCODING;
        }
        long declared = bitshuffle.uncompressedLength(data, 0, data.length);
        if (declared != rawLength) {
            error = "bitshuffle header declares " + declared + " bytes, shape and type imply " + rawLength;
            return RejectReason.PAYLOAD_LENGTH_MISMATCH;
        }
        ensureOutput(rawLength);
        try {
            int n = bitshuffle.decompress(data, 0, data.length, elementSize, output, 0);
            if (n != rawLength) {
                error = "bitshuffle data decompressed to " + n + " bytes, expected " + rawLength;
                return RejectReason.BAD_ENCODING;
            }
            return null;
        } catch (RuntimeException e) {
            error = "bitshuffle data does not decompress: " + e;
            return RejectReason.BAD_ENCODING;
        }
    }

    private void ensureOutput(int length) {
        if (output.length < length) {
            output = new byte[length];
        }
    }
}
