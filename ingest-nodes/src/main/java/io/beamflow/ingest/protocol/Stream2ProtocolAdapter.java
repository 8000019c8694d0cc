package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.core.wire.SeriesArrays;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.protocol.CborReader.CborException;
import io.beamflow.ingest.receive.MessageParts;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The DECTRIS SIMPLON stream interface, version 2 (CBOR), as DECTRIS detectors and Jungfraujoch send it:
 * one single-part message each for {@code start}, {@code image} and {@code end}, a CBOR map (usually under
 * the self-describe tag 55799) with a {@code type} field. Images are tag-40 arrays of RFC 8746 typed
 * arrays (uint8, uint16/uint32/int32/float32 little endian), raw or under the DECTRIS compression tag 56500
 * ({@code bslz4}, {@code lz4}); an image's {@code data} maps channel (threshold) names to images.
 *
 * <p>Series ids: the {@code series_id} in decimal for the first channel of the start message's
 * {@code channels} (or, when no start was seen since the node started, the smallest channel name); each
 * further channel is journaled as its own series {@code <series_id>_<channel>}, e.g. {@code 7_threshold_2},
 * with its own start and end, so that every channel becomes its own dataset and file set downstream.
 *
 * <p>Series metadata (JSON, as for stream v1): the start message's detector, beam and time fields under the
 * SIMPLON names the NXmx master reads (rationals {@code [num, den]} as numbers), the goniometer's omega
 * start and increment, the channel's {@code threshold_energy}, {@code user_data}, {@code series_unique_id},
 * the announced frame count ({@code number_of_images}) and the whole start message with every typed array
 * replaced by a description of it (dtype, shape, bytes, compression). The channel's {@code pixel_mask} and
 * {@code flatfield} and the {@code countrate_correction_lookup_table} travel decompressed as
 * {@link SeriesArrays} after the metadata JSON of the SERIES_START record, within the frame limit (named in
 * {@code series_arrays}, or in {@code series_arrays_omitted} when left out). Images: raw as sent, {@code lz4} decoded, {@code bslz4}
 * checked by the same {@link SimplonImageDecoder} as stream v1 and journaled as received (compressed pass-through).
 */
public final class Stream2ProtocolAdapter implements ProtocolAdapter {
    /** Name of this protocol in configuration. */
    public static final String NAME = "dectris-stream-v2";
    /** Most nesting levels of a message (DECTRIS messages use 4; user_data may add some). */
    static final int MAX_DEPTH = 16;
    /** Most data items of a message. */
    static final int MAX_ITEMS = 100_000;
    /** Most channels (thresholds) of an image. */
    static final int MAX_CHANNELS = 8;
    /** Largest series metadata journaled; beyond it {@code user_data} and the start message copy are left out. */
    static final int MAX_METADATA_BYTES = 1 << 20;
    /** Start-message arrays carried to the master ({@link SeriesArrays}), in the order they get the budget. */
    static final List<String> SERIES_ARRAY_NAMES = List.of("pixel_mask", "flatfield",
            "countrate_correction_lookup_table");

    private final IngestRecordWriter writer;
    private final WireLimits limits;
    private final SimplonImageDecoder decoder;
    private final Lz4Hdf5Decoder lz4 = new Lz4Hdf5Decoder();
    private final CborReader reader = new CborReader(MAX_DEPTH, MAX_ITEMS);
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[NativeHeaderFlyweight.FIXED_LENGTH
            + FrameHeader.MAX_SERIES_ID_LENGTH]);
    private final UnsafeBuffer body = new UnsafeBuffer(new byte[0]);
    /** The series of the last start message and its channels in order. */
    private long startedSeries = -1;
    private List<String> startedChannels = List.of();

    /**
     * @param writer  journal writer of the stream
     * @param limits  size limits
     * @param decoder image data decoder shared with stream v1
     */
    public Stream2ProtocolAdapter(IngestRecordWriter writer, WireLimits limits, SimplonImageDecoder decoder) {
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
        if (parts.count() != 1) {
            return writer.reject(RejectReason.WRONG_PART_COUNT, null, -1, "stream v2 message with " + parts.count()
                    + " parts, expected 1");
        }
        CborItem msg;
        try {
            msg = reader.read(parts.part(0));
        } catch (CborException e) {
            return writer.reject(e.reason, null, -1, e.getMessage());
        }
        if (!msg.isMap()) {
            return writer.reject(RejectReason.BAD_CBOR, null, -1, "message is a CBOR " + msg.kind() + ", not a map");
        }
        String type = msg.get("type") == null ? null : msg.get("type").textOrNull();
        if (type == null) {
            return writer.reject(RejectReason.BAD_CBOR, null, -1, "message without a text 'type'");
        }
        CborItem sid = msg.get("series_id");
        long series = sid == null ? SenderNumbers.INVALID : sid.integer(0, Long.MAX_VALUE);
        if (series == SenderNumbers.INVALID && !type.equals("start") && !type.equals("image") && !type.equals("end")) {
            return writer.reject(RejectReason.UNKNOWN_MESSAGE_TYPE, null, -1, "type '" + type + "'");
        }
        if (series == SenderNumbers.INVALID) {
            return writer.reject(sid == null ? RejectReason.BAD_CBOR : RejectReason.BAD_NUMBER, null, -1, type
                    + " message series_id " + (sid == null ? "missing" : "is not an integer from 0 to " + Long.MAX_VALUE));
        }
        try {
            return switch (type) {
                case "start" -> onStart(series, msg);
                case "image" -> onImage(series, msg);
                case "end" -> onEnd(series);
                default -> writer.reject(RejectReason.UNKNOWN_MESSAGE_TYPE, Long.toString(series), -1,
                        "type '" + type + "'");
            };
        } catch (CborException e) {
            return writer.reject(e.reason, Long.toString(series), -1, type + ": " + e.getMessage());
        }
    }

    /** @return the journal series id of a channel of a series */
    private String seriesIdOf(long series, String channel, List<String> channels) throws CborException {
        String primary = channels.isEmpty() ? channel : channels.get(0);
        String id = channel.equals(primary) ? Long.toString(series) : series + "_" + channel;
        if (!FrameHeader.isValidSeriesId(id)) {
            throw new CborException(RejectReason.BAD_SERIES_ID, "channel '" + channel + "' makes series id '" + id
                    + "' (at most " + FrameHeader.MAX_SERIES_ID_LENGTH + " characters of [A-Za-z0-9._-])");
        }
        return id;
    }

    private List<String> channelsOf(CborItem start) throws CborException {
        CborItem c = start.get("channels");
        if (c == null || c.kind() == CborItem.Kind.NULL) {
            return List.of("");
        }
        if (c.kind() != CborItem.Kind.ARRAY || c.array().isEmpty() || c.array().size() > MAX_CHANNELS) {
            throw new CborException(RejectReason.BAD_CBOR, "channels must be 1 to " + MAX_CHANNELS + " names");
        }
        List<String> out = new ArrayList<>();
        for (CborItem i : c.array()) {
            if (i.textOrNull() == null || out.contains(i.text())) {
                throw new CborException(RejectReason.BAD_CBOR, "channels must be distinct text names");
            }
            out.add(i.text());
        }
        return out;
    }

    private boolean onStart(long series, CborItem msg) throws CborException {
        List<String> channels = channelsOf(msg);
        long width = optionalInteger(msg, "image_size_x", 1, Integer.MAX_VALUE);
        long height = optionalInteger(msg, "image_size_y", 1, Integer.MAX_VALUE);
        if ((width > 0 || height > 0) && limits.frameBytes(width, height, 1) < 0) {
            throw new CborException(RejectReason.BAD_SHAPE, "image_size_x " + width + " x image_size_y " + height
                    + " is not within the frame limit of " + limits.maxFrameBytes() + " bytes");
        }
        long announced = optionalInteger(msg, "number_of_images", 0, Integer.MAX_VALUE);
        PixelType type = msg.get("image_dtype") == null ? null
                : PixelType.fromWireName(String.valueOf(msg.get("image_dtype").textOrNull()));
        // Validate every typed array of the start message (pixel mask, flat field, count-rate table) before
        // anything is journaled, so that a bad start is rejected whole.
        ObjectNode described = (ObjectNode) toJson(msg, "start");
        boolean all = true;
        for (String channel : channels) {
            String id = seriesIdOf(series, channel, channels);
            List<String> omitted = new ArrayList<>();
            List<SeriesArrays.NamedArray> arrays = seriesArrays(msg, channel, omitted);
            ObjectNode meta = metadata(series, msg, described, channel, channels, announced);
            ArrayNode names = meta.putArray("series_arrays");
            arrays.forEach(a -> names.add(a.name()));
            if (!omitted.isEmpty()) {
                ArrayNode o = meta.putArray("series_arrays_omitted");
                omitted.forEach(o::add);
            }
            byte[] json = JsonParts.toBytes(meta);
            byte[] start = SeriesArrays.startBody(json, arrays.isEmpty() ? null : SeriesArrays.encode(arrays));
            int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, id, 0, 0, 1,
                    (int) Math.max(0, width), (int) Math.max(0, height), type, 0, 0, start.length);
            body.wrap(start);
            boolean ok = writer.write(header, hl, id, body, 0, start.length);
            if (ok && announced >= 0) {
                writer.accounting().seriesAnnounced(id, announced);
            }
            all &= ok;
        }
        startedSeries = series;
        startedChannels = channels.size() == 1 && channels.get(0).isEmpty() ? List.of() : channels;
        return all;
    }

    /**
     * The start message's pixel mask and flat field of {@code channel} and its count-rate table, decompressed,
     * for the master file; arrays of a type Beamflow does not store, or beyond the frame limit together, are
     * left out and named in {@code omitted}.
     */
    private List<SeriesArrays.NamedArray> seriesArrays(CborItem msg, String channel, List<String> omitted)
            throws CborException {
        List<SeriesArrays.NamedArray> out = new ArrayList<>();
        // the record stays about as large as the largest frame (the journal's block size is sized for frames)
        long budget = Math.max(limits.maxFrameBytes() / 2, limits.maxFrameBytes() - 2L * MAX_METADATA_BYTES);
        for (String name : SERIES_ARRAY_NAMES) {
            CborItem item = msg.get(name);
            if (item != null && item.isMap()) {
                item = item.get(channel.isEmpty() && item.map().size() == 1 ? item.map().keySet().iterator().next()
                        : channel);
            }
            if (item == null || item.kind() == CborItem.Kind.NULL) {
                continue;
            }
            Stream2Array a = Stream2Array.parse(item, name, limits);
            if (a.pixelType() == null || a.rawLength() < 0 || a.rawLength() > budget) {
                omitted.add(name);
                continue;
            }
            byte[] data = decompress(a, name);
            budget -= data.length;
            out.add(new SeriesArrays.NamedArray(name, a.pixelType(), a.dims(), data));
        }
        return out;
    }

    private byte[] decompress(Stream2Array a, String what) throws CborException {
        int raw = (int) a.rawLength();
        if (a.compression() == null) {
            return a.bytes();
        }
        if (a.compression().equals("lz4")) {
            RejectReason bad = lz4.decode(a.bytes(), raw);
            if (bad != null) {
                throw new CborException(bad, what + ": " + lz4.error());
            }
            return java.util.Arrays.copyOf(lz4.output(), raw);
        }
        RejectReason bad = decoder.decode("bs" + (8 * a.pixelType().bytes()) + "-lz4<", a.bytes(), raw,
                a.pixelType().bytes());
        if (bad != null) {
            throw new CborException(bad, what + ": " + decoder.error());
        }
        return java.util.Arrays.copyOf(decoder.output(), raw);
    }

    private ObjectNode metadata(long series, CborItem msg, ObjectNode described, String channel, List<String> channels,
            long announced) {
        ObjectNode meta = JsonParts.MAPPER.createObjectNode();
        meta.put("source", NAME);
        meta.put("series", series);
        copyText(msg, "series_unique_id", meta, "series_unique_id");
        if (!channel.isEmpty()) {
            meta.put("channel", channel);
            ArrayNode a = meta.putArray("channels");
            channels.forEach(a::add);
        }
        copyNumber(msg, "image_size_x", meta, "x_pixels_in_detector");
        copyNumber(msg, "image_size_y", meta, "y_pixels_in_detector");
        copyNumber(msg, "pixel_size_x", meta, "x_pixel_size");
        copyNumber(msg, "pixel_size_y", meta, "y_pixel_size");
        copyNumber(msg, "beam_center_x", meta, "beam_center_x");
        copyNumber(msg, "beam_center_y", meta, "beam_center_y");
        copyNumber(msg, "detector_distance", meta, "detector_distance");
        copyNumber(msg, "count_time", meta, "count_time");
        copyNumber(msg, "frame_time", meta, "frame_time");
        copyNumber(msg, "incident_wavelength", meta, "wavelength");
        copyNumber(msg, "incident_energy", meta, "photon_energy");
        copyNumber(msg, "sensor_thickness", meta, "sensor_thickness");
        copyNumber(msg, "saturation_value", meta, "saturation_value");
        copyNumber(msg, "countrate_correction_count_cutoff", meta, "countrate_correction_count_cutoff");
        copyText(msg, "sensor_material", meta, "sensor_material");
        copyText(msg, "detector_description", meta, "detector_description");
        copyText(msg, "detector_serial_number", meta, "detector_number");
        copyText(msg, "arm_date", meta, "arm_date");
        if (announced >= 0) {
            meta.put("nimages", announced);
            meta.put("ntrigger", 1);
            meta.put("announced_frames", announced);
        }
        CborItem omega = msg.get("goniometer") == null ? null : msg.get("goniometer").get("omega");
        if (omega != null) {
            copyNumber(omega, "start", meta, "omega_start");
            copyNumber(omega, "increment", meta, "omega_increment");
        }
        CborItem thresholds = msg.get("threshold_energy");
        if (thresholds != null && thresholds.isMap() && thresholds.get(channel) != null) {
            copyNumber(thresholds, channel, meta, "threshold_energy");
        } else if (thresholds != null) {
            copyNumber(msg, "threshold_energy", meta, "threshold_energy");
        }
        for (String flag : List.of("countrate_correction_enabled", "flatfield_enabled", "pixel_mask_enabled",
                "virtual_pixel_interpolation_enabled")) {
            CborItem f = msg.get(flag);
            if (f != null && f.kind() == CborItem.Kind.BOOLEAN) {
                meta.put(flag, f.bool());
            }
        }
        JsonNode userData = described.get("user_data");
        if (userData != null) {
            meta.set("user_data", userData);
        }
        meta.set("stream2_start", described);
        if (JsonParts.toBytes(meta).length > MAX_METADATA_BYTES) {
            meta.remove("stream2_start");
            meta.remove("user_data");
            meta.put("stream2_start_omitted", "start message over " + MAX_METADATA_BYTES + " bytes as JSON");
        }
        return meta;
    }

    private boolean onImage(long series, CborItem msg) throws CborException {
        CborItem idItem = msg.get("image_id");
        long frame = idItem == null ? SenderNumbers.INVALID : idItem.integer(0, Long.MAX_VALUE);
        if (frame == SenderNumbers.INVALID) {
            throw new CborException(idItem == null ? RejectReason.BAD_CBOR : RejectReason.BAD_NUMBER,
                    "image_id " + (idItem == null ? "missing" : "is not an integer from 0 to " + Long.MAX_VALUE));
        }
        CborItem data = msg.get("data");
        if (data == null || !data.isMap() || data.map().isEmpty() || data.map().size() > MAX_CHANNELS) {
            throw new CborException(RejectReason.BAD_CBOR, "image " + frame + ": data must map 1 to " + MAX_CHANNELS
                    + " channels to images");
        }
        List<String> channels = series == startedSeries && !startedChannels.isEmpty() ? startedChannels
                : data.map().keySet().stream().sorted().toList();
        long startNs = rationalNs(msg.get("start_time"));
        // Check every channel's array before journaling any, so that an image is journaled whole or not at all
        List<Map.Entry<String, Stream2Array>> images = new ArrayList<>();
        for (Map.Entry<String, CborItem> e : data.map().entrySet()) {
            Stream2Array a = Stream2Array.parse(e.getValue(), "image " + frame + " channel '" + e.getKey() + "'", limits);
            if (a.dims().length != 2) {
                throw new CborException(RejectReason.BAD_SHAPE, "image " + frame + ": " + a.dims().length
                        + " dimensions, expected 2 (height, width)");
            }
            if (a.pixelType() == null) {
                throw new CborException(RejectReason.UNKNOWN_PIXEL_TYPE, "image " + frame + ": " + a.dtype()
                        + " (typed-array tag " + a.typedTag() + "; stored: uint8, uint16/uint32/int32/float32 little endian)");
            }
            if (!channels.contains(e.getKey())) {
                throw new CborException(RejectReason.BAD_CBOR, "image " + frame + ": channel '" + e.getKey()
                        + "' is not one of the start message's " + channels);
            }
            images.add(Map.entry(e.getKey(), a));
        }
        boolean all = true;
        for (Map.Entry<String, Stream2Array> e : images) {
            all &= journalImage(seriesIdOf(series, e.getKey(), channels), frame, startNs, e.getValue());
        }
        return all;
    }

    /** Journals one channel's image: raw as sent, lz4 decoded, bslz4 checked and kept compressed (as stream v1). */
    private boolean journalImage(String id, long frame, long startNs, Stream2Array a) {
        PixelType type = a.pixelType();
        int raw = (int) a.rawLength();
        int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, id, frame, 0, 1, (int) a.dims()[1],
                (int) a.dims()[0], type, startNs, 0, raw);
        if (a.compression() == null) {
            body.wrap(a.bytes());
            return writer.write(header, hl, id, body, 0, raw);
        }
        if (a.compression().equals("lz4")) {
            RejectReason bad = lz4.decode(a.bytes(), raw);
            if (bad != null) {
                return writer.reject(bad, id, 0, "image " + frame + ": " + lz4.error());
            }
            body.wrap(lz4.output());
            return writer.write(header, hl, id, body, 0, raw);
        }
        // bslz4: journaled as received after a structural check, as stream v1's bitshuffle frames (compressed
        // pass-through: the reduction decompresses it for its features, the sink writes these bytes as the chunk)
        byte[] bytes = a.bytes();
        body.wrap(bytes);
        RejectReason bad = decoder.checkBitshuffle(a.elementSize(), body, 0, bytes.length, raw, type.bytes());
        if (bad != null) {
            return writer.reject(bad, id, 0, "image " + frame + ": " + decoder.error());
        }
        hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, id, frame, 0, 1, (int) a.dims()[1],
                (int) a.dims()[0], type, startNs, 0, bytes.length, PayloadCodec.BSLZ4);
        return writer.write(header, hl, id, body, 0, bytes.length);
    }

    private boolean onEnd(long series) throws CborException {
        List<String> ids = new ArrayList<>();
        if (series == startedSeries && !startedChannels.isEmpty()) {
            for (String channel : startedChannels) {
                ids.add(seriesIdOf(series, channel, startedChannels));
            }
        } else {
            // channels unknown (no start since this node started): the series and every open channel series of it
            ids.add(Long.toString(series));
            String prefix = series + "_";
            writer.accounting().summary().series().stream()
                    .filter(s -> s.seriesId().startsWith(prefix) && s.started() && !s.ended())
                    .forEach(s -> ids.add(s.seriesId()));
        }
        boolean all = true;
        for (String id : ids) {
            long announced = writer.accounting().announcedFrames(id);
            long reported = announced >= 0 ? announced : writer.accounting().framesInSeries(id);
            int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, id, 0, 0, 1, 0, 0, null, 0, 0,
                    reported);
            all &= writer.write(header, hl, id, null, 0, 0);
        }
        return all;
    }

    private static long optionalInteger(CborItem msg, String key, long min, long max) throws CborException {
        CborItem v = msg.get(key);
        if (v == null || v.kind() == CborItem.Kind.NULL) {
            return -1;
        }
        long n = v.integer(min, max);
        if (n == SenderNumbers.INVALID) {
            throw new CborException(RejectReason.BAD_NUMBER, key + " is not an integer from " + min + " to " + max);
        }
        return n;
    }

    /** @return a rational {@code [num, den]} (or a plain number) as a double, or NaN */
    static double number(CborItem v) {
        if (v == null) {
            return Double.NaN;
        }
        if (v.kind() == CborItem.Kind.ARRAY && v.array().size() == 2) {
            double num = v.array().get(0).asDouble();
            double den = v.array().get(1).asDouble();
            return den == 0 ? Double.NaN : num / den;
        }
        return v.asDouble();
    }

    /** @return a time rational {@code [num, den]} in seconds as nanoseconds (0 when absent or unusable) */
    static long rationalNs(CborItem v) {
        if (v == null || v.kind() != CborItem.Kind.ARRAY || v.array().size() != 2) {
            return 0;
        }
        long num = v.array().get(0).integer(0, Long.MAX_VALUE);
        long den = v.array().get(1).integer(1, Long.MAX_VALUE);
        if (num == SenderNumbers.INVALID || den == SenderNumbers.INVALID) {
            return 0;
        }
        BigInteger ns = BigInteger.valueOf(num).multiply(BigInteger.valueOf(1_000_000_000L)).divide(BigInteger.valueOf(den));
        return ns.bitLength() < 63 ? ns.longValue() : 0;
    }

    private static void copyNumber(CborItem from, String key, ObjectNode to, String as) {
        double d = number(from.get(key));
        if (!Double.isNaN(d) && !Double.isInfinite(d)) {
            CborItem v = from.get(key);
            if (v.kind() == CborItem.Kind.INTEGER && v.number() instanceof Long l) {
                to.put(as, l);
            } else {
                to.put(as, d);
            }
        }
    }

    private static void copyText(CborItem from, String key, ObjectNode to, String as) {
        CborItem v = from.get(key);
        if (v != null && v.textOrNull() != null) {
            to.put(as, v.text());
        }
    }

    /**
     * Converts an item to JSON; typed arrays (checked, as {@link Stream2Array#parse}) become a description
     * {@code {dtype, shape, bytes, compression}}, byte strings base64.
     */
    private JsonNode toJson(CborItem i, String path) throws CborException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        boolean typed = i.hasTag(CborReader.TAG_MD_ARRAY);
        for (int t : i.tags()) {
            typed |= t >= CborReader.TAG_TYPED_FIRST && t <= CborReader.TAG_TYPED_LAST;
        }
        if (typed) {
            Stream2Array a = Stream2Array.parse(i, path, limits);
            ObjectNode o = f.objectNode();
            o.put("dtype", a.dtype());
            ArrayNode shape = o.putArray("shape");
            for (long d : a.dims()) {
                shape.add(d);
            }
            o.put("bytes", a.bytes().length);
            if (a.compression() != null) {
                o.put("compression", a.compression());
            }
            return o;
        }
        return switch (i.kind()) {
            case MAP -> {
                ObjectNode o = f.objectNode();
                for (Map.Entry<String, CborItem> e : i.map().entrySet()) {
                    o.set(e.getKey(), toJson(e.getValue(), path + "." + e.getKey()));
                }
                yield o;
            }
            case ARRAY -> {
                ArrayNode a = f.arrayNode();
                int k = 0;
                for (CborItem e : i.array()) {
                    a.add(toJson(e, path + "[" + k++ + "]"));
                }
                yield a;
            }
            case BYTES -> f.textNode(Base64.getEncoder().encodeToString(i.bytes()));
            case TEXT -> f.textNode(i.text());
            case INTEGER -> i.number() instanceof Long l ? f.numberNode(l) : f.numberNode((BigInteger) i.number());
            case FLOAT -> Double.isFinite(i.number().doubleValue()) ? f.numberNode(i.number().doubleValue())
                    : f.textNode(String.valueOf(i.number()));
            case BOOLEAN -> f.booleanNode(i.bool());
            case NULL -> f.nullNode();
        };
    }
}
