package io.beamflow.reduce.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.core.config.ReductionConfig;

/**
 * Reads the image shape from series metadata (the simulator's {@code width}/{@code height}, the DECTRIS
 * stream's {@code x/y_pixels_in_detector}, or the configured module assembly) and adds the radial
 * axis of the azimuthal integration ({@code radial_axis}, {@code radial_axis_units}), so files carry
 * q or 2-theta values rather than bin numbers.
 */
public final class SeriesMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SeriesMetadata() {
    }

    /**
     * @param metadataJson series metadata as sent
     * @param config       reduction settings
     * @return {@code {width, height}} of the (assembled) image, or {@code null} when unknown
     */
    public static int[] imageShape(String metadataJson, ReductionConfig config) {
        if (config.assembly.width > 0 && config.assembly.height > 0 && !config.assembly.modules.isEmpty()) {
            return new int[] {config.assembly.width, config.assembly.height};
        }
        JsonNode m = parse(metadataJson);
        if (m == null) {
            return null;
        }
        int w = m.path("width").asInt(m.path("x_pixels_in_detector").asInt(0));
        int h = m.path("height").asInt(m.path("y_pixels_in_detector").asInt(0));
        return w > 0 && h > 0 ? new int[] {w, h} : null;
    }

    /**
     * @param metadataJson series metadata as sent
     * @param integrator   the series' integrator
     * @return the metadata with {@code radial_axis} and {@code radial_axis_units}; unchanged if it is not a JSON object
     */
    public static String withRadialAxis(String metadataJson, AzimuthalIntegrator integrator) {
        JsonNode m = parse(metadataJson);
        if (!(m instanceof ObjectNode o)) {
            return metadataJson;
        }
        ArrayNode axis = o.putArray("radial_axis");
        for (double v : integrator.radialAxis()) {
            axis.add(v);
        }
        o.put("radial_axis_units", integrator.unit().pyFaiName());
        return o.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return json == null || json.isBlank() ? null : JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
