package io.beamflow.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.SinkConfig;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.sink.hdf5.FilePublisher;
import io.beamflow.sink.hdf5.Hdf5Committable;
import io.beamflow.sink.hdf5.Hdf5SinkSettings;
import io.beamflow.sink.hdf5.NexusSeriesWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {
    @TempDir
    Path root;

    private String run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new BeamflowCli()).execute(args);
            return code + "\n" + buf.toString(StandardCharsets.UTF_8);
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void shouldPrintSeriesSummaryFromMasterFile() throws Exception {
        SinkConfig c = new SinkConfig();
        c.outputRoot = root.toString();
        c.beamtime = "bt";
        c.framesPerFile = 2;
        c.compressionThreads = 0;
        NexusSeriesWriter w = NexusSeriesWriter.start(Hdf5SinkSettings.of(c), "insp", "{}");
        for (int n = 1; n <= 5; n++) {
            FrameResult r = new FrameResult();
            r.seriesId = "insp";
            r.frameNumber = n;
            r.width = 16;
            r.height = 8;
            r.decision = n == 3 ? Decision.VETO : Decision.KEEP;
            r.ruleName = n == 3 ? "dark" : "";
            r.ruleVersion = 7;
            r.pixels = n == 3 ? null : new byte[16 * 8 * 2];
            w.frame(r);
        }
        w.finish(5);
        for (Hdf5Committable x : w.drainCompleted()) {
            FilePublisher.publish(x);
        }
        String out = run("inspect", root.resolve("bt/insp/insp_master.h5").toString());
        assertTrue(out.startsWith("0\n"), out);
        assertTrue(out.contains("kept       4"), out);
        assertTrue(out.contains("vetoed     1"), out);
        assertTrue(out.contains("VETO dark@v7: 1"), out);
        assertTrue(out.contains("data files   2"), out);
        assertTrue(out.contains("bslz4, ratio"), out);
        assertTrue(out.contains("geometry     sensor Si 450 um") && out.contains("module fast (-1, 0, 0) slow (0, -1, 0)")
                && out.contains("sample omega about (-1, 0, 0)"), out);
        assertTrue(out.contains("pixel mask empty (no pixel masked)"), out);
    }

    @Test
    void shouldFailWithClearMessageForMissingFile() {
        assertEquals("2", run("inspect", root.resolve("nope_master.h5").toString()).split("\n")[0]);
    }
}
