package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.SeriesArrays;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.receive.MessageParts;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The DECTRIS SIMPLON stream interface, version 1 ({@code dheader-1.0}, {@code dimage-1.0},
 * {@code dseries_end-1.0}). Series start: part 1 {@code dheader-1.0} with {@code header_detail}
 * {@code none} (1 part), {@code basic} (+ detector configuration) or {@code all} (+ flat-field, pixel
 * mask and count-rate table, 8 parts), optionally followed by an appendix part. Image: 4 parts
 * ({@code dimage-1.0}, {@code dimage_d-1.0}, data, {@code dconfig-1.0}), optionally an appendix.
 * The journal receives native records: little-endian pixels (decoded from {@code lz4<}), bitshuffle+LZ4
 * frames as received (checked, not decompressed; see {@link SimplonImageDecoder#checkCompressed}), and series
 * metadata derived from the detector configuration; with {@code all}, the flat field, pixel mask and count-rate
 * table follow it as {@link SeriesArrays} for the master file. The series id is the detector's series number in
 * decimal.
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

    /** @return the series number in decimal, or {@code null} unless it is an integer >= 0 (7001.5 is refused, not truncated) */
    private static String seriesIdOf(JsonNode msg) {
        long s = SenderNumbers.integer(msg.get("series"), 0, Long.MAX_VALUE);
        return s == SenderNumbers.INVALID ? null : Long.toString(s);
    }

    private boolean rejectSeries(JsonNode msg, String htype) {
        JsonNode s = msg.get("series");
        return s == null ? writer.reject(RejectReason.BAD_JSON, null, -1, htype + " without a series")
                : writer.reject(RejectReason.BAD_NUMBER, null, -1, htype + " series " + s
                        + " is not an integer from 0 to " + Long.MAX_VALUE);
    }

    private boolean onHeader(JsonNode msg, MessageParts parts) {
        String seriesId = seriesIdOf(msg);
        if (seriesId == null) {
            return rejectSeries(msg, "dheader-1.0");
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
            String shapeProblem = SenderNumbers.shapeProblem(config, limits);
            if (shapeProblem != null) {
                return writer.reject(RejectReason.BAD_SHAPE, seriesId, -1, "detector configuration: " + shapeProblem);
            }
            width = (int) Math.max(0, SenderNumbers.integer(config.get("x_pixels_in_detector"), 1, Integer.MAX_VALUE));
            height = (int) Math.max(0, SenderNumbers.integer(config.get("y_pixels_in_detector"), 1, Integer.MAX_VALUE));
            type = switch (config.path("bit_depth_image").asInt(0)) {
                case 8 -> PixelType.UINT8;
                case 16 -> PixelType.UINT16;
                case 32 -> PixelType.UINT32;
                default -> null;
            };
            if (config.has("nimages")) {
                long nimages = SenderNumbers.integer(config.get("nimages"), 0, Integer.MAX_VALUE);
                long ntrigger = config.has("ntrigger")
                        ? SenderNumbers.integer(config.get("ntrigger"), 0, Integer.MAX_VALUE) : 1;
                if (nimages == SenderNumbers.INVALID || ntrigger == SenderNumbers.INVALID) {
                    return writer.reject(RejectReason.BAD_NUMBER, seriesId, -1, "detector configuration: nimages "
                            + config.get("nimages") + ", ntrigger " + config.get("ntrigger")
                            + ": must be integers from 0 to " + Integer.MAX_VALUE);
                }
                frames = nimages * Math.max(1, ntrigger); // both below 2^31: no overflow
                meta.put("announced_frames", frames);
            }
        }
        List<SeriesArrays.NamedArray> arrays = new ArrayList<>();
        if (required == 8) {
            List<String> omitted = new ArrayList<>();
            long budget = limits.maxFrameBytes();
            for (int i = 2; i < 8; i += 2) {
                JsonNode h = jsonPart(parts.part(i));
                if (h == null) {
                    return writer.reject(RejectReason.BAD_JSON, seriesId, -1, "header part " + i + ": "
                            + JsonParts.describe(parts.part(i)));
                }
                String htype = h.path("htype").asText("part" + i).replace("-1.0", "");
                meta.put(htype + "_bytes", parts.part(i + 1).length);
                SeriesArrays.NamedArray a = headerArray(htype, h, parts.part(i + 1), budget);
                if (a != null) {
                    arrays.add(a);
                    budget -= a.data().length;
                } else {
                    omitted.add(htype);
                }
            }
            ArrayNode names = meta.putArray("series_arrays");
            arrays.forEach(a -> names.add(a.name()));
            if (!omitted.isEmpty()) {
                ArrayNode o = meta.putArray("series_arrays_omitted");
                omitted.forEach(o::add);
            }
        }
        byte[] start = SeriesArrays.startBody(JsonParts.toBytes(meta), arrays.isEmpty() ? null
                : SeriesArrays.encode(arrays));
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, seriesId, 0, 0, 1,
                Math.max(width, 0), Math.max(height, 0), type, 0, 0, start.length);
        body.wrap(start);
        boolean written = writer.write(header, hl, seriesId, body, 0, start.length);
        if (written && frames >= 0) {
            writer.accounting().seriesAnnounced(seriesId, frames); // journaled as announced_frames: survives a restart
        }
        return written;
    }

    /**
     * @return the flat field, pixel mask or count-rate table of a {@code header_detail all} header as a named
     *         array, or {@code null} when its JSON part does not describe its data part (shape {@code [x, y]} or
     *         {@code [n]}, a stored type, the data exactly that size, within {@code budget})
     */
    private static SeriesArrays.NamedArray headerArray(String htype, JsonNode h, byte[] data, long budget) {
        String name = switch (htype) {
            case "dflatfield" -> "flatfield";
            case "dpixelmask" -> "pixel_mask";
            case "dcountrate_table" -> "countrate_correction_lookup_table";
            default -> null;
        };
        PixelType type = PixelType.fromWireName(h.path("type").asText(""));
        JsonNode shape = h.get("shape");
        if (name == null || type == null || shape == null || !shape.isArray() || shape.size() < 1 || shape.size() > 2
                || data.length > budget) {
            return null;
        }
        long[] dims = new long[shape.size()];
        long n = type.bytes();
        for (int k = 0; k < dims.length; k++) {
            long d = SenderNumbers.integer(shape.get(dims.length - 1 - k), 1, Integer.MAX_VALUE); // [x, y] -> [y, x]
            if (d == SenderNumbers.INVALID || n > Integer.MAX_VALUE / d) {
                return null;
            }
            dims[k] = d;
            n *= d;
        }
        return n == data.length ? new SeriesArrays.NamedArray(name, type, dims, data) : null;
    }

    private boolean onImage(JsonNode msg, MessageParts parts) {
        String seriesId = seriesIdOf(msg);
        if (seriesId == null) {
            return rejectSeries(msg, "dimage-1.0");
        }
        JsonNode frameNode = msg.get("frame");
        if (frameNode == null) {
            return writer.reject(RejectReason.BAD_JSON, seriesId, 0, "dimage-1.0 without a frame number");
        }
        long frame = SenderNumbers.integer(frameNode, 0, Long.MAX_VALUE);
        if (frame == SenderNumbers.INVALID) {
            return writer.reject(RejectReason.BAD_NUMBER, seriesId, 0, "dimage-1.0 frame " + frameNode
                    + " is not an integer from 0 to " + Long.MAX_VALUE);
        }
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
        if (shape == null || !shape.isArray() || shape.size() != 2) {
            return writer.reject(RejectReason.BAD_SHAPE, seriesId, 0, "frame " + frame + ": shape " + shape);
        }
        long w = SenderNumbers.integer(shape.get(0), 1, Integer.MAX_VALUE);
        long h = SenderNumbers.integer(shape.get(1), 1, Integer.MAX_VALUE);
        if (w == SenderNumbers.INVALID || h == SenderNumbers.INVALID) {
            return writer.reject(RejectReason.BAD_SHAPE, seriesId, 0, "frame " + frame + ": shape " + shape
                    + " (two integers from 1 to " + Integer.MAX_VALUE + ")");
        }
        PixelType type = PixelType.fromWireName(d.path("type").asText(""));
        if (type == null) {
            return writer.reject(RejectReason.UNKNOWN_PIXEL_TYPE, seriesId, 0, "frame " + frame + ": type "
                    + d.get("type"));
        }
        long raw = limits.frameBytes(w, h, type.bytes()); // overflow-safe: -1 when over the limit
        if (raw < 0) {
            return writer.reject(RejectReason.FRAME_TOO_LARGE, seriesId, 0, "frame " + frame + ": shape " + shape
                    + " " + type.wireName() + " is more than the limit of " + limits.maxFrameBytes() + " bytes");
        }
        int dataLength = parts.length(2);
        JsonNode size = d.get("size");
        if (size != null && !size.isNull() && SenderNumbers.integer(size, 0, Long.MAX_VALUE) == SenderNumbers.INVALID) {
            return writer.reject(RejectReason.BAD_NUMBER, seriesId, 0, "frame " + frame + ": dimage_d size " + size
                    + " is not an integer >= 0");
        }
        if (size != null && !size.isNull() && size.asLong() != dataLength) {
            return writer.reject(RejectReason.PAYLOAD_LENGTH_MISMATCH, seriesId, 0, "frame " + frame
                    + ": data part has " + dataLength + " bytes, dimage_d size says " + size.asLong());
        }
        String encoding = d.path("encoding").asText("<");
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, seriesId, frame, 0, 1, (int) w, (int) h,
                type, 0, 0, raw);
        PayloadCodec keep = SimplonImageDecoder.passThroughCodec(encoding);
        if (keep != null) {
            // Journaled as received (about a fifth of the raw bytes) after a structural check; the reduction
            // decompresses it for its features and the sink writes these bytes as the frame's chunk.
            RejectReason bad = decoder.checkCompressed(encoding, parts.view(2), 0, dataLength, raw, type.bytes());
            if (bad != null) {
                return writer.reject(bad, seriesId, 0, "frame " + frame + ": " + decoder.error());
            }
            hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, seriesId, frame, 0, 1, (int) w, (int) h,
                    type, 0, 0, dataLength, keep);
            return writer.write(header, hl, seriesId, parts.view(2), 0, dataLength);
        }
        if (SimplonImageDecoder.isRaw(encoding)) {
            if (dataLength != raw) {
                return writer.reject(RejectReason.PAYLOAD_LENGTH_MISMATCH, seriesId, 0, "frame " + frame
                        + ": raw data part has " + dataLength + " bytes, shape and type imply " + raw);
            }
            // Raw pixels go from the received (direct) buffer to the journal: one copy.
            return writer.write(header, hl, seriesId, parts.view(2), 0, dataLength);
        }
        RejectReason bad = decoder.decode(encoding, parts.part(2), (int) raw, type.bytes());
        if (bad != null) {
            return writer.reject(bad, seriesId, 0, "frame " + frame + ": " + decoder.error());
        }
        body.wrap(decoder.output());
        return writer.write(header, hl, seriesId, body, 0, (int) raw);
    }

    private boolean onSeriesEnd(JsonNode msg, MessageParts parts) {
        String seriesId = seriesIdOf(msg);
        if (seriesId == null) {
            return rejectSeries(msg, "dseries_end-1.0");
        }
        if (parts.count() != 1) {
            return writer.reject(RejectReason.WRONG_PART_COUNT, seriesId, -1, "dseries_end-1.0 with "
                    + parts.count() + " parts, expected 1");
        }
        long announced = writer.accounting().announcedFrames(seriesId);
        long reported = announced >= 0 ? announced : writer.accounting().framesInSeries(seriesId);
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, seriesId, 0, 0, 1, 0, 0, null, 0, 0,
                reported);
        return writer.write(header, hl, seriesId, null, 0, 0);
    }
}
