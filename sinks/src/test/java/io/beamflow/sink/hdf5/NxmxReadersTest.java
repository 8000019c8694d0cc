package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.Decision;
import io.beamflow.testing.DebianPython;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A series written by the sink, read by the readers crystallographers use, the way they read it: h5py through
 * the NXdata signal, fabio, h5dump, a C program against libhdf5 reading as the XDS plugins do, and the NXmx
 * fields dxtbx (DIALS) builds its models from. 20 frames, 11 of them kept, 3 per data file: 4 data files.
 */
class NxmxReadersTest {
    static final int FRAMES = 20;
    static final String META = "{\"detector_distance\": 0.25, \"wavelength\": 0.98e-10, \"beam_center_x\": 30.5,"
            + " \"beam_center_y\": 20.25, \"x_pixel_size\": 7.5e-5, \"y_pixel_size\": 7.5e-5, \"omega_start\": 10.0,"
            + " \"omega_increment\": 0.5, \"nimages\": 11, \"ntrigger\": 1, \"sensor_material\": \"CdTe\","
            + " \"count_time\": 0.002, \"frame_time\": 0.0025}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    static Path master;
    static List<Long> kept = new ArrayList<>();

    @BeforeAll
    static void writeSeries() throws Exception {
        Hdf5SinkSettings settings = new Hdf5SinkSettings(root.toString(), "mx-2026", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        NexusSeriesWriter w = NexusSeriesWriter.start(settings, "nx", META);
        for (long f = 1; f <= FRAMES; f++) {
            w.frame(SeriesFixture.frame("nx", f));
            if (SeriesFixture.decision(f) == Decision.KEEP) {
                kept.add(f);
            }
        }
        w.finish(FRAMES);
        for (Hdf5Committable c : w.drainCompleted()) {
            FilePublisher.publish(c);
        }
        master = root.resolve("mx-2026/nx/nx_master.h5");
    }

    @Test
    void h5pyReadsEveryFrameInOrderThroughTheNxdataSignal() throws Exception {
        JsonNode j = SeriesFixture.readWithH5py(master);
        assertEquals(List.of("nx_data_000001.h5", "nx_data_000002.h5", "nx_data_000003.h5", "nx_data_000004.h5"),
                JSON.convertValue(j.get("data_files"), List.class));
        assertEquals(kept.size(), j.get("frames").size());
        for (long f : kept) {
            assertEquals(SeriesFixture.sha1(SeriesFixture.pixels(f)), j.at("/frames/" + f).asText(), "frame " + f);
        }
        // and in frame order: row i of the signal is the i-th kept frame
        String rows = DebianPython.run(String.join("\n",
                "import sys, hashlib, h5py, hdf5plugin, numpy as np",
                "f = h5py.File(sys.argv[1], 'r')",
                "d = f['/entry/data'][f['/entry/data'].attrs['signal'].decode()]",
                "print(d.shape[0])",
                "for i in range(d.shape[0]): print(hashlib.sha1(np.ascontiguousarray(d[i]).astype('<u2').tobytes()).hexdigest())"),
                120, master.toString()).orThrow();
        List<String> expected = new ArrayList<>();
        expected.add(String.valueOf(kept.size()));
        for (long f : kept) {
            expected.add(SeriesFixture.sha1(SeriesFixture.pixels(f)));
        }
        assertEquals(expected, Arrays.asList(rows.strip().split("\n")));
    }

    @Test
    void fabioCountsEachFrameOnceWithItsPixels() throws Exception {
        JsonNode j = JSON.readTree(DebianPython.run(resource("read_with_fabio.py"), 120, master.toString()).orThrow());
        assertEquals("EigerImage", j.get("class").asText());
        assertEquals(kept.size(), j.get("nframes").asInt(), "fabio's frame count");
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(SeriesFixture.sha1(SeriesFixture.pixels(kept.get(i))), j.at("/frames/" + i).asText(),
                    "fabio frame " + i);
        }
    }

    @Test
    void h5dumpReadsTheWholeMasterIncludingTheVirtualDataset() throws Exception {
        String header = SeriesFixture.h5dump("-p", "-H", master.toString());
        assertTrue(header.contains("DATASPACE  SIMPLE { ( " + kept.size() + ", " + SeriesFixture.HEIGHT + ", "
                + SeriesFixture.WIDTH + " )"), header);
        for (int i = 1; i <= 4; i++) {
            assertTrue(header.contains(String.format("FILE \"nx_data_%06d.h5\"", i)), header);
        }
        assertTrue(header.contains("H5T_STR_NULLTERM") && header.contains("H5T_CSET_ASCII"), header);
        assertTrue(!header.contains("H5T_CSET_UTF8"), "no UTF-8 strings:\n" + header);
        // h5dump runs elsewhere: the data files are found next to the master, and every value is read
        String all = SeriesFixture.h5dump(master.toString());
        assertTrue(all.contains("\"NXdetector_module\""), all.substring(0, Math.min(all.length(), 2000)));
        // pixels of the 4th kept frame (first frame of the second data file) through the master
        String px = SeriesFixture.h5dump("-d", "/entry/data/data[3,0,0;;1,1,4]", "-y", "-w", "0", master.toString());
        byte[] p = SeriesFixture.pixels(kept.get(3));
        StringBuilder expect = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            expect.append(i == 0 ? "" : ", ").append((p[2 * i] & 0xff) | (p[2 * i + 1] & 0xff) << 8);
        }
        assertTrue(px.contains(expect.toString()), "expected " + expect + " in\n" + px);
    }

    @Test
    void aCProgramReadsAsciiStringsAndAChunkAsTheXdsPluginsDo() throws Exception {
        Path dir = Files.createTempDirectory(root, "c");
        Path source = dir.resolve("read_like_xds.c");
        Files.writeString(source, resource("read_like_xds.c"));
        Path exe = dir.resolve("read_like_xds");
        run(List.of(h5cc(), "-o", exe.toString(), source.toString()), dir, "compiling against libhdf5");
        // frame index 7 (the 8th kept frame): row 1 of the third data file, found through the VDS mapping
        Path chunk = dir.resolve("chunk.bin");
        String out = run(List.of(exe.toString(), master.toString(), "7", chunk.toString()), dir, "read_like_xds");
        assertTrue(out.contains("mapping 2 of 4: nx_data_000003.h5 /entry/data/data row 1\n"), out);
        for (String line : List.of("NX_class /entry NXentry", "NX_class /entry/data NXdata",
                "NX_class /entry/instrument/detector NXdetector",
                "NX_class /entry/instrument/detector/module NXdetector_module",
                "NX_class /entry/instrument/detector/transformations NXtransformations",
                "NX_class /entry/sample/transformations NXtransformations",
                "text /entry/definition NXmx",
                "text /entry/instrument/detector/depends_on /entry/instrument/detector/transformations/translation",
                "text /entry/instrument/detector/sensor_material CdTe",
                "int /entry/instrument/detector/detectorSpecific/nimages " + kept.size(),
                "int /entry/instrument/detector/detectorSpecific/ntrigger 1",
                "int /entry/instrument/detector/detectorSpecific/x_pixels_in_detector " + SeriesFixture.WIDTH,
                "int /entry/instrument/detector/detectorSpecific/y_pixels_in_detector " + SeriesFixture.HEIGHT)) {
            assertTrue(out.contains(line + "\n"), "expected '" + line + "' in\n" + out);
        }
        // the stored chunk is the frame as the sink encodes it (bitshuffle/LZ4 of its pixels), byte for byte
        byte[] pixels = SeriesFixture.pixels(kept.get(7));
        ChunkEncoder enc = Compression.BSLZ4.newEncoder();
        byte[] expected = new byte[enc.maxEncodedLength(pixels.length, 2)];
        int n = enc.encode(pixels, 0, pixels.length, 2, expected);
        assertArrayEquals(Arrays.copyOf(expected, n), Files.readAllBytes(chunk));
    }

    @Test
    void theNxmxModelsDxtbxBuildsAreThere() throws Exception {
        JsonNode j = JSON.readTree(DebianPython.run(resource("check_nxmx.py"), 120, master.toString()).orThrow());
        assertEquals("CdTe", j.get("sensor_material").asText());
        assertEquals("[\"/entry/instrument/detector/transformations/translation\"]", j.get("detector_chain").toString());
        assertEquals("[0,0]", j.get("data_origin").toString());
        assertEquals("[" + SeriesFixture.HEIGHT + "," + SeriesFixture.WIDTH + "]", j.get("data_size").toString());
        // the beam centre pixel lies on the beam, at the detector distance
        JsonNode c = j.get("beam_centre_lab_m");
        assertEquals(0, c.get(0).asDouble(), 1e-12);
        assertEquals(0, c.get(1).asDouble(), 1e-12);
        assertEquals(0.25, c.get(2).asDouble(), 1e-12);
        assertEquals(0.25, j.get("distance").asDouble());
        assertEquals(65535, j.get("saturation_value").asLong());
        assertEquals(0.002, j.get("count_time").asDouble());
        assertEquals(0.0025, j.get("frame_time").asDouble());
        assertEquals("[" + SeriesFixture.HEIGHT + "," + SeriesFixture.WIDTH + "]", j.get("pixel_mask_shape").toString());
        assertEquals(0, j.get("pixel_mask_nonzero").asInt(), "no mask known: every pixel good");
        assertEquals(kept.size(), j.get("nimages").asInt());
        assertEquals(1, j.get("ntrigger").asInt());
        assertEquals(SeriesFixture.WIDTH, j.get("x_pixels_in_detector").asInt());
        assertEquals(SeriesFixture.HEIGHT, j.get("y_pixels_in_detector").asInt());
        assertEquals("/entry/sample/transformations/omega", j.get("omega_path").asText());
        assertEquals("[-1.0,0.0,0.0]", j.get("omega_vector").toString());
        assertEquals(kept.size(), j.get("omega").size(), "one omega per frame of the signal");
        assertEquals(10.0, j.at("/omega/0").asDouble());
        assertEquals(10.5, j.at("/omega/1").asDouble());
        assertEquals("deg", j.get("omega_units").asText());
        assertEquals(0.98, j.get("wavelength").asDouble(), 1e-12);
        assertEquals("angstrom", j.get("wavelength_units").asText());
        assertEquals("[" + kept.size() + "," + SeriesFixture.HEIGHT + "," + SeriesFixture.WIDTH + "]",
                j.get("signal_shape").toString());
        assertTrue(j.get("signal_virtual").asBoolean());
    }

    /** h5cc from libhdf5-dev (.ci/apt-packages); its absence fails the test, it is not skipped. */
    static String h5cc() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "h5cc"))) {
                return Path.of(dir, "h5cc").toString();
            }
        }
        throw new AssertionError("h5cc (HDF5 C compiler wrapper) not found on PATH: install the Debian packages"
                + " libhdf5-dev and gcc, listed in .ci/apt-packages (.ci/run installs them)");
    }

    /** Runs a command in a directory (h5cc leaves its object file there) and returns its output. */
    static String run(List<String> cmd, Path workDir, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(what + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + out);
        }
        return out;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = NxmxReadersTest.class.getResourceAsStream("/nxmx/" + name)) {
            if (in == null) {
                throw new IOException("test resource /nxmx/" + name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
