package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.ReductionConfig;
import org.junit.jupiter.api.Test;

class SeriesMetadataTest {
    @Test
    void shouldReadShapeFromSimulatorAndDectrisKeys() {
        ReductionConfig c = new ReductionConfig();
        assertArrayEquals(new int[] {1024, 512}, SeriesMetadata.imageShape("{\"width\":1024,\"height\":512}", c));
        assertArrayEquals(new int[] {4150, 4371}, SeriesMetadata.imageShape(
                "{\"x_pixels_in_detector\":4150,\"y_pixels_in_detector\":4371}", c));
        assertNull(SeriesMetadata.imageShape("{}", c));
        assertNull(SeriesMetadata.imageShape("not json", c));
    }

    @Test
    void shouldAddTheIntegratorsAxisAndUnitKeepingOtherKeys() throws Exception {
        PoniGeometry poni = new PoniGeometry(0.12, 0.0382125, 0.0386625, 0, 0, 0, 75e-6, 75e-6, 1e-10);
        AzimuthalIntegrator ai = new AzimuthalIntegrator(poni, 256, 256, 50, RadialUnit.Q_NM, null);
        JsonNode m = new ObjectMapper().readTree(SeriesMetadata.withRadialAxis("{\"source\":\"x\"}", ai));
        assertEquals("x", m.get("source").asText());
        assertEquals("q_nm^-1", m.get("radial_axis_units").asText());
        assertEquals(50, m.get("radial_axis").size());
        assertEquals(ai.radialAxis()[0], m.get("radial_axis").get(0).asDouble(), 1e-12);
        assertTrue(m.get("radial_axis").get(49).asDouble() > m.get("radial_axis").get(0).asDouble());
    }
}
