package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.RepoPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the Java integrator with pyFAI 0.21 (Debian's python3-pyfai), run at test time on the same
 * frame and PONI geometry: {@code integrate1d(img, npt, unit, method=("no","csr","cython"),
 * correctSolidAngle=False, polarization_factor=None)}.
 */
class AzimuthalIntegratorPyFaiTest {
    private static final int WIDTH = 300;
    private static final int HEIGHT = 256;
    private static final int BINS = 200;

    private static final String SCRIPT = String.join("\n",
            "import sys, json, numpy as np, pyFAI",
            "poni, raw, w, h, npt, unit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]",
            "img = np.fromfile(raw, dtype='<f4').reshape(h, w)",
            "ai = pyFAI.load(poni)",
            "r = ai.integrate1d(img, npt, unit=unit, method=('no', 'csr', 'cython'), correctSolidAngle=False, polarization_factor=None)",
            "count = r.count if r.count is not None else np.ones(npt)",
            "print(json.dumps({'radial': r.radial.tolist(), 'intensity': r.intensity.tolist(), 'count': np.asarray(count).tolist()}))",
            "");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"2th_deg", "q_nm^-1"})
    void shouldAgreeWithPyFaiCsrIntegrationWithoutSplitting(String unit) throws IOException {
        Path poni = RepoPaths.root().resolve("reducers/src/test/resources/pyfai/tilted.poni");
        SimulatedFrame frame = new FrameSynthesizer(SimulationParameters.defaults(WIDTH, HEIGHT).withHitFraction(0))
                .frame(3);
        float[] image = new float[WIDTH * HEIGHT];
        ByteBuffer raw = ByteBuffer.allocate(image.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < image.length; i++) {
            image[i] = frame.pixels()[i] & 0xFFFF;
            raw.putFloat(image[i]);
        }
        Path rawFile = dir.resolve("frame.f32");
        Files.write(rawFile, raw.array());

        String json = DebianPython.run(SCRIPT, 120, poni.toString(), rawFile.toString(), "" + WIDTH, "" + HEIGHT,
                "" + BINS, unit).orThrow();
        double[] refRadial = array(json, "radial");
        double[] refIntensity = array(json, "intensity");
        double[] refCount = array(json, "count");

        AzimuthalIntegrator ai = new AzimuthalIntegrator(PoniGeometry.read(poni), WIDTH, HEIGHT, BINS,
                RadialUnit.fromPyFaiName(unit), null);
        float[] profile = ai.integrate(image, null);
        double[] radial = ai.radialAxis();
        assertEquals(BINS, refIntensity.length);
        double maxRel = 0;
        int compared = 0;
        for (int b = 0; b < BINS; b++) {
            assertEquals(refRadial[b], radial[b], 1e-5 * Math.abs(refRadial[BINS - 1]), "radial position of bin " + b);
            if (refCount[b] == 0) {
                assertEquals(0f, profile[b], "empty bin " + b);
                continue;
            }
            double rel = Math.abs(profile[b] - refIntensity[b]) / Math.max(1e-12, Math.abs(refIntensity[b]));
            maxRel = Math.max(maxRel, rel);
            compared++;
        }
        System.out.printf("unit %s: %d bins compared, max relative deviation %.3g%n", unit, compared, maxRel);
        assertTrue(compared > BINS * 0.9, "most bins populated");
        assertTrue(maxRel <= 1e-3, "max relative deviation " + maxRel);
    }

    static double[] array(String json, String key) {
        int start = json.indexOf('[', json.indexOf("\"" + key + "\""));
        int end = json.indexOf(']', start);
        String[] parts = json.substring(start + 1, end).split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            out[i] = p.equals("NaN") ? Double.NaN : Double.parseDouble(p);
        }
        return out;
    }
}
