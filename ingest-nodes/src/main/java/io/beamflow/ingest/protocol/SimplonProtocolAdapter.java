package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.receive.MessageParts;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The DECTRIS SIMPLON stream interface, version 1 ({@code dheader-1.0}, {@code dimage-1.0},
 * {@code dseries_end-1.0}). Series start: part 1 {@code dheader-1.0} with {@code header_detail}
 * {@code none} (1 part), {@code basic} (+ detector configuration) or {@code all} (+ flat-field, pixel
 * mask and count-rate table, 8 parts), optionally followed by an appendix part. Image: 4 parts
 * ({@code dimage-1.0}, {@code dimage_d-1.0}, data, {@code dconfig-1.0}), optionally an appendix.
 * The journal receives native records: decoded little-endian pixels, and series metadata derived from
 * the detector configuration. The series id is the detector's series number in decimal.
 */
public final class SimplonProtocolAdapter implements ProtocolAdapter {
    /** Name of this protocol in configuration. */
    public static final String NAME = "dectris-stream-v1";

    /** Detector configuration keys copied into the journaled series metadata when present. */
    static final List<String> METADATA_KEYS = List.of("description", "detector_number", "x_pixel_size",
            "y_pixel_size", "x_pixels_in_detector", "y_pixels_in_detector", "beam_center_x", "beam_center_y",
            "detector_distance", "wavelength", "photon_energy", "count_time", "frame_time", "nimages", "ntrigger",
            "bit_depth_image", "sensor_material", "sensor_thickness", "omega_start", "omega_increment");

    private final IngestRecordWriter writer;
    private final WireLimits limits;
    private final SimplonImageDecoder decoder;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[NativeHeaderFlyweight.FIXED_LENGTH
            + FrameHeader.MAX_SERIES_ID_LENGTH]);
    private final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
    private String expectedSeries;
    private long expectedFrames = -1;

    /**
     * @param writer  journal writer of the stream
     * @param limits  size limits
     * @param decoder image data decoder
     */
    public SimplonProtocolAdapter(IngestRecordWriter writer, WireLimits limits, SimplonImageDecoder decoder) {
        this.writer = writer;
        this.limits = limits;
        this.decoder = decoder;
    }

    @Override
    public String protocolName() {
        return NAME;
    }

    @Override
    public boolean onMessage(MessageParts parts) {
        JsonNode first = jsonPart(parts.part(0));
        if (first == null) {
            return writer.reject(RejectReason.BAD_JSON, null, -1, "first part is not a JSON object (or exceeds "
                    + limits.maxHeaderBytes() + " bytes): " + JsonParts.describe(parts.part(0)));
        }
        String htype = first.path("htype").asText("");
        return switch (htype) {
            case "dheader-1.0" -> onHeader(first, parts);
            case "dimage-1.0" -> onImage(first, parts);
            case "dseries_end-1.0" -> onSeriesEnd(first, parts);
            default -> writer.reject(RejectReason.UNKNOWN_MESSAGE_TYPE, null, -1, "htype '" + htype + "'");
        };
    }

    private JsonNode jsonPart(byte[] part) {
        return part.length > limits.maxHeaderBytes() ? null : JsonParts.parseObject(part);
    }

    private static String seriesIdOf(JsonNode msg) {
        JsonNode s = msg.get("series");
        if (s == null || !s.canConvertToLong() || s.asLong() < 0) {
            return null;
        }
        return Long.toString(s.asLong());
    }

    private boolean onHeader(JsonNode msg, MessageParts parts) {
        String seriesId = seriesIdOf(msg);
        if (seriesId == null) {
            return writer.reject(RejectReason.BAD_JSON, null, -1, "dheader-1.0 without a numeric series");
        }
        String detail = msg.path("header_detail").asText("");
        int required = switch (detail) {
            case "none" -> 1;
            case "basic" -> 2;
            case "all" -> 8;
            default -> -1;
        };
        if (required < 0) {
            return writer.reject(RejectReason.BAD_JSON, seriesId, -1, "header_detail '" + detail + "'");
        }
        if (parts.count() != required && parts.count() != required + 1) {
            return writer.reject(RejectReason.WRONG_PART_COUNT, seriesId, -1, "dheader-1.0 (" + detail + ") with "
                    + parts.count() + " parts, expected " + required + " (+1 appendix)");
        }
        ObjectNode meta = JsonParts.MAPPER.createObjectNode();
        meta.put("source", NAME);
        meta.put("series", Long.parseLong(seriesId));
        meta.put("header_detail", detail);
        int width = 0;
        int height = 0;
        PixelType type = null;
        long frames = -1;
        if (required >= 2) {
            JsonNode config = jsonPart(parts.part(1));
            if (config == null) {
                return writer.reject(RejectReason.BAD_JSON, seriesId, -1, "detector configuration part: "
                        + JsonParts.describe(parts.part(1)));
            }
            for (String key : METADATA_KEYS) {
                JsonNode v = config.get(key);
                if (v != null && !v.isNull()) {
                    meta.set(key.equals("description") ? "detector_description" : key, v);
                }
            }
            meta.set("detector_config", config);
            width = config.path("x_pixels_in_detector").asInt(0);
            height = config.path("y_pixels_in_detector").asInt(0);
            type = switch (config.path("bit_depth_image").asInt(0)) {
                case 8 -> PixelType.UINT8;
                case 16 -> PixelType.UINT16;
                case 32 -> PixelType.UINT32;
                default -> null;
            };
            if (config.has("nimages")) {
                frames = config.path("nimages").asLong(1) * Math.max(1, config.path("ntrigger").asLong(1));
            }
        }
        if (required == 8) {
            for (int i = 2; i < 8; i += 2) {
                JsonNode h = jsonPart(parts.part(i));
                if (h == null) {
                    return writer.reject(RejectReason.BAD_JSON, seriesId, -1, "header part " + i + ": "
                            + JsonParts.describe(parts.part(i)));
                }
                meta.put(h.path("htype").asText("part" + i).replace("-1.0", "") + "_bytes", parts.part(i + 1).length);
            }
        }
        expectedSeries = seriesId;
        expectedFrames = frames;
        byte[] json = JsonParts.toBytes(meta);
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, seriesId, 0, 0, 1,
                Math.max(width, 0), Math.max(height, 0), type, 0, 0, json.length);
        body.wrap(json);
        return writer.write(header, hl, seriesId, body, 0, json.length);
    }

    private boolean onImage(JsonNode msg, MessageParts parts) {
        String seriesId = seriesIdOf(msg);
        if (seriesId == null) {
            return writer.reject(RejectReason.BAD_JSON, null, -1, "dimage-1.0 without a numeric series");
        }
        JsonNode frameNode = msg.get("frame");
        if (frameNode == null || !frameNode.canConvertToLong() || frameNode.asLong() < 0) {
            return writer.reject(RejectReason.BAD_JSON, seriesId, 0, "dimage-1.0 without a frame number");
        }
        long frame = frameNode.asLong();
        if (parts.count() != 4 && parts.count() != 5) {
            return writer.reject(RejectReason.WRONG_PART_COUNT, seriesId, 0, "dimage-1.0 frame " + frame + " with "
                    + parts.count() + " parts, expected 4 (+1 appendix)");
        }
        JsonNode d = jsonPart(parts.part(1));
        if (d == null || !"dimage_d-1.0".equals(d.path("htype").asText())) {
            return writer.reject(RejectReason.BAD_JSON, seriesId, 0, "frame " + frame
                    + ": second part is not dimage_d-1.0: " + JsonParts.describe(parts.part(1)));
        }
        if (jsonPart(parts.part(3)) == null) {
            return writer.reject(RejectReason.BAD_JSON, seriesId, 0, "frame " + frame
                    + ": fourth part is not dconfig-1.0 JSON: " + JsonParts.describe(parts.part(3)));
        }
        JsonNode shape = d.get("shape");
        if (shape == null || !shape.isArray() || shape.size() != 2 || !shape.get(0).canConvertToInt()
                || !shape.get(1).canConvertToInt()) {
            return writer.reject(RejectReason.BAD_SHAPE, seriesId, 0, "frame " + frame + ": shape " + shape);
        }
        long w = shape.get(0).asLong();
        long h = shape.get(1).asLong();
        if (w <= 0 || h <= 0) {
            return writer.reject(RejectReason.BAD_SHAPE, seriesId, 0, "frame " + frame + ": shape " + shape);
        }
        PixelType type = PixelType.fromWireName(d.path("type").asText(""));
        if (type == null) {
            return writer.reject(RejectReason.UNKNOWN_PIXEL_TYPE, seriesId, 0, "frame " + frame + ": type "
                    + d.get("type"));
        }
        long raw = w * h * type.bytes();
        if (raw > limits.maxFrameBytes()) {
            return writer.reject(RejectReason.FRAME_TOO_LARGE, seriesId, 0, "frame " + frame + ": shape " + shape
                    + " " + type.wireName() + " is " + raw + " bytes, limit " + limits.maxFrameBytes());
        }
        byte[] data = parts.part(2);
        JsonNode size = d.get("size");
        if (size != null && size.canConvertToLong() && size.asLong() != data.length) {
            return writer.reject(RejectReason.PAYLOAD_LENGTH_MISMATCH, seriesId, 0, "frame " + frame
                    + ": data part has " + data.length + " bytes, dimage_d size says " + size.asLong());
        }
        String encoding = d.path("encoding").asText("<");
        RejectReason bad = decoder.decode(encoding, data, (int) raw, type.bytes());
        if (bad != null) {
            return writer.reject(bad, seriesId, 0, "frame " + frame + ": " + decoder.error());
        }
        byte[] pixels = encoding.equals("<") || encoding.isEmpty() ? data : decoder.output();
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, seriesId, frame, 0, 1, (int) w, (int) h,
                type, 0, 0, raw);
        body.wrap(pixels);
        return writer.write(header, hl, seriesId, body, 0, (int) raw);
    }

    private boolean onSeriesEnd(JsonNode msg, MessageParts parts) {
        String seriesId = seriesIdOf(msg);
        if (seriesId == null) {
            return writer.reject(RejectReason.BAD_JSON, null, -1, "dseries_end-1.0 without a numeric series");
        }
        if (parts.count() != 1) {
            return writer.reject(RejectReason.WRONG_PART_COUNT, seriesId, -1, "dseries_end-1.0 with "
                    + parts.count() + " parts, expected 1");
        }
        long reported = seriesId.equals(expectedSeries) && expectedFrames >= 0 ? expectedFrames
                : writer.accounting().framesInSeries(seriesId);
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, seriesId, 0, 0, 1, 0, 0, null, 0, 0,
                reported);
        return writer.write(header, hl, seriesId, null, 0, 0);
    }
}
