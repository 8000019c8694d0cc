package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.config.SinkConfig;
import io.beamflow.testing.DebianPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-module detector's master, checked with h5py the way dxtbx (DIALS) reads NXmx ({@code check_nxmx.py}): one
 * NXdetector_module per module with its data region, its {@code module_offset} on the detector's depends_on chain
 * and unit axis vectors that put the beam centre on the beam from every module; the pixel mask holds the mask file's
 * values with exactly the pixels between the modules flagged as gaps (bit 0). The 64x48 frames are four modules of
 * 30x22 pixels with gaps of 4 pixels between them.
 */
class NxmxModulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int GAP_PIXELS = SeriesFixture.WIDTH * SeriesFixture.HEIGHT - 4 * 30 * 22;

    @TempDir
    Path root;

    static ReductionConfig.AssemblyConfig fourModules() {
        ReductionConfig.AssemblyConfig a = new ReductionConfig.AssemblyConfig();
        a.width = SeriesFixture.WIDTH;
        a.height = SeriesFixture.HEIGHT;
        a.moduleWidth = 30;
        a.moduleHeight = 22;
        for (int[] xy : new int[][] {{0, 0}, {34, 0}, {0, 26}, {34, 26}}) {
            ReductionConfig.ModulePlacement p = new ReductionConfig.ModulePlacement();
            p.x = xy[0];
            p.y = xy[1];
            a.modules.add(p);
        }
        return a;
    }

    private JsonNode writeAndCheck(String series, ReductionConfig.AssemblyConfig assembly, String maskFile)
            throws Exception {
        SinkConfig c = new SinkConfig();
        c.outputRoot = root.toString();
        c.beamtime = "mx";
        c.framesPerFile = 3;
        c.compressionThreads = 0;
        c.pixelMaskFile = maskFile;
        Hdf5SinkSettings settings = Hdf5SinkSettings.of(c, assembly);
        NexusSeriesWriter w = NexusSeriesWriter.start(settings, series, NxmxReadersTest.META);
        for (long f = 1; f <= 8; f++) {
            w.frame(SeriesFixture.frame(series, f));
        }
        w.finish(8);
        for (Hdf5Committable committable : w.drainCompleted()) {
            FilePublisher.publish(committable);
        }
        Path master = root.resolve("mx/" + series + "/" + series + "_master.h5");
        SeriesFixture.h5dump("-H", master.toString()); // libhdf5 reads the whole structure
        return JSON.readTree(DebianPython.run(NxmxReadersTest.resource("check_nxmx.py"), 120, master.toString())
                .orThrow());
    }

    /** A mask as numpy writes it: dead (2) at row 5 column 7, noisy (16) at 40/60, under-responding (4) in a gap. */
    private Path numpyMask(int width, int height) throws Exception {
        Path mask = root.resolve("mask-" + width + "x" + height + ".npy");
        DebianPython.run(String.join("\n",
                "import sys, numpy as np",
                "m = np.zeros((int(sys.argv[2]), int(sys.argv[3])), dtype=np.uint32)",
                "if m.shape[0] > 40 and m.shape[1] > 60:",
                "    m[5, 7] = 2; m[40, 60] = 16; m[23, 31] = 4",
                "np.save(sys.argv[1], m)"), 60, mask.toString(), "" + height, "" + width).orThrow();
        return mask;
    }

    @Test
    void shouldWriteOneModuleGroupPerModuleWithOffsetsThatPutTheBeamCentreOnTheBeam() throws Exception {
        JsonNode j = writeAndCheck("four", fourModules(), numpyMask(SeriesFixture.WIDTH, SeriesFixture.HEIGHT)
                .toString());
        JsonNode modules = j.get("modules");
        assertEquals(4, modules.size());
        int[][] origins = {{0, 0}, {0, 34}, {26, 0}, {26, 34}};
        for (int i = 0; i < 4; i++) {
            JsonNode m = modules.get(i);
            assertEquals(String.format("module_%02d", i), m.get("name").asText());
            assertEquals("[" + origins[i][0] + "," + origins[i][1] + "]", m.get("data_origin").toString());
            assertEquals("[22,30]", m.get("data_size").toString());
            assertEquals("[\"/entry/instrument/detector/" + m.get("name").asText() + "/module_offset\"]",
                    m.get("module_offset").toString());
            JsonNode c = m.get("beam_centre_lab_m");
            assertEquals(0, c.get(0).asDouble(), 1e-12, m.get("name").asText());
            assertEquals(0, c.get(1).asDouble(), 1e-12, m.get("name").asText());
            assertEquals(0.25, c.get(2).asDouble(), 1e-12, m.get("name").asText());
        }
        assertTrue(j.get("gaps_flagged_exactly").asBoolean());
        assertEquals(GAP_PIXELS, j.get("gap_pixels").asInt());
        // file values kept, gap bit added: 1 (gap), 2 (dead), 4 | 1 (under-responding in a gap), 16 (noisy)
        assertEquals(GAP_PIXELS - 1, j.at("/pixel_mask_values/1").asInt());
        assertEquals(1, j.at("/pixel_mask_values/2").asInt());
        assertEquals(1, j.at("/pixel_mask_values/5").asInt());
        assertEquals(1, j.at("/pixel_mask_values/16").asInt());
        assertEquals(SeriesFixture.WIDTH * SeriesFixture.HEIGHT - GAP_PIXELS - 2, j.at("/pixel_mask_values/0").asInt());
        String source = j.get("pixel_mask_source").asText();
        assertTrue(source.startsWith("file ") && source.endsWith(GAP_PIXELS + " gap pixels between 4 modules (bit 0)"),
                source);
        // beamflow inspect shows the layout, and the beam centre found from the first module
        String text = SeriesSummary.read(root.resolve("mx/four/four_master.h5")).format();
        assertTrue(text.contains("beam centre (30.5, 20.3) px on the beam\n             4 modules (data_origin y,x"
                + " + data_size): module_00 0,0+22x30 module_01 0,34+22x30 module_02 26,0+22x30 module_03 26,34+22x30\n"),
                text);
    }

    @Test
    void shouldFlagOnlyTheGapsWhenTheMaskFileHasAnotherSize() throws Exception {
        JsonNode j = writeAndCheck("small", fourModules(), numpyMask(10, 10).toString());
        assertTrue(j.get("gaps_flagged_exactly").asBoolean());
        assertEquals(GAP_PIXELS, j.at("/pixel_mask_values/1").asInt());
        assertFalse(j.get("pixel_mask_values").has("2"));
        String source = j.get("pixel_mask_source").asText();
        assertTrue(source.contains("file not applied") && source.contains("is 10x10"), source);
    }

    @Test
    void shouldKeepOneModuleWhenTheModuleSizeIsNotConfigured() throws Exception {
        ReductionConfig.AssemblyConfig a = fourModules();
        a.moduleWidth = 0;
        a.moduleHeight = 0;
        JsonNode j = writeAndCheck("one", a, "");
        assertEquals(1, j.get("modules").size());
        assertEquals("module", j.at("/modules/0/name").asText());
        assertEquals(0, j.get("pixel_mask_nonzero").asInt());
        assertFalse(j.has("pixel_mask_source"));
    }

    @Test
    void shouldApplyAMaskFileToASingleModuleDetector() throws Exception {
        JsonNode j = writeAndCheck("single", null, numpyMask(SeriesFixture.WIDTH, SeriesFixture.HEIGHT).toString());
        assertEquals(1, j.get("modules").size());
        assertEquals("[0,0]", j.get("data_origin").toString());
        assertEquals(3, j.get("pixel_mask_nonzero").asInt(), "the file's values, no gaps");
        assertEquals(1, j.at("/pixel_mask_values/4").asInt());
        assertTrue(j.get("pixel_mask_source").asText().startsWith("file "), j.get("pixel_mask_source").asText());
    }

    @Test
    void shouldRefuseModulesThatDoNotFitOrOverlapNamingTheKey() {
        ReductionConfig.AssemblyConfig a = fourModules();
        a.modules.get(3).x = 40;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hdf5SinkSettings.Module.of(a));
        assertTrue(e.getMessage().contains("reduction.assembly.modules[3]") && e.getMessage().contains("does not fit"),
                e.getMessage());
        ReductionConfig.AssemblyConfig b = fourModules();
        b.modules.get(1).x = 20;
        e = assertThrows(IllegalArgumentException.class, () -> Hdf5SinkSettings.Module.of(b));
        assertTrue(e.getMessage().contains("modules[1] overlaps modules[0]"), e.getMessage());
        ReductionConfig.AssemblyConfig turned = fourModules();
        turned.width = 100;
        turned.height = 100;
        turned.modules.get(3).rotationDeg = 90;
        turned.modules.get(3).x = 70;
        assertEquals(List.of(22, 30), List.of(Hdf5SinkSettings.Module.of(turned).get(3).width(),
                Hdf5SinkSettings.Module.of(turned).get(3).height()), "a module turned by 90 degrees");
        assertTrue(Files.isDirectory(root));
    }
}
