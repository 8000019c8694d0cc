package io.beamflow.sink.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The live-view wire format: a two-part ZeroMQ message.
 * <ol>
 * <li>UTF-8 JSON {@link LiveViewHeader} ({@code "htype": "beamflow-live-1.0"});</li>
 * <li>the downsampled image as raw little-endian {@code float32}, row-major, {@code shape = [height,
 * width]}; an empty part when there is no image (series markers, frames whose pixels were dropped
 * before the live view).</li>
 * </ol>
 * Readers must ignore unknown header keys (new keys may be added within a major {@code htype} version).
 */
public final class LiveViewCodec {
    /** Header format tag. */
    public static final String HTYPE = "beamflow-live-1.0";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private LiveViewCodec() {
    }

    /**
     * @param header header
     * @return its JSON bytes
     */
    public static byte[] encodeHeader(LiveViewHeader header) {
        try {
            return MAPPER.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode live-view header", e);
        }
    }

    /**
     * @param image image values
     * @return little-endian float32 bytes
     */
    public static byte[] encodeImage(float[] image) {
        if (image == null) {
            return new byte[0];
        }
        ByteBuffer b = ByteBuffer.allocate(image.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(image);
        return b.array();
    }

    /**
     * @param headerPart JSON part
     * @param dataPart   data part (may be empty)
     * @return the message
     * @throws IllegalArgumentException when the header is not a live-view header or the data does not match its shape
     */
    public static LiveViewMessage decode(byte[] headerPart, byte[] dataPart) {
        LiveViewHeader h;
        try {
            h = MAPPER.readValue(headerPart, LiveViewHeader.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("bad live-view header: " + e.getMessage(), e);
        }
        if (h == null || h.htype == null || !h.htype.startsWith("beamflow-live-1.")) {
            throw new IllegalArgumentException("not a beamflow-live-1.x header: htype=" + (h == null ? null : h.htype));
        }
        float[] image = null;
        if (h.shape != null && dataPart != null && dataPart.length > 0) {
            if (h.shape.length != 2 || !"float32".equals(h.dtype)) {
                throw new IllegalArgumentException("unsupported image: shape " + java.util.Arrays.toString(h.shape)
                        + " dtype " + h.dtype);
            }
            long expected = (long) h.shape[0] * h.shape[1] * Float.BYTES;
            if (expected != dataPart.length) {
                throw new IllegalArgumentException("data part has " + dataPart.length + " bytes, shape needs " + expected);
            }
            image = new float[h.shape[0] * h.shape[1]];
            ByteBuffer.wrap(dataPart).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(image);
        }
        return new LiveViewMessage(h, image);
    }
}
