package io.beamflow.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.ingest.sim.DetectorSimulator;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.RepoPaths;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation's end-to-end check: the shipped demo configuration (1,000 frames of 1024x1024
 * uint16) through a real ZeroMQ socket, the ingest node's journal, the Flink MiniCluster job and the
 * HDF5 sink; then the reference HDF5 library (h5py + the bitshuffle filter, and h5dump) reads every
 * frame back and it must equal what the simulator sent.
 */
class DemoEndToEndITCase {
    @TempDir
    Path work;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void shouldWriteEveryFrameSentAndReadBackBitExactWithH5py() throws Exception {
        Path root = RepoPaths.root();
        BeamflowConfig config = BeamflowConfig.load(root.resolve("config/demo.yaml"));
        // The demo runs from the repository root; this test's working directory is the module's.
        config.reduction.integration.poniFile = root.resolve(config.reduction.integration.poniFile).toString();
        config.ingest.journalDirectory = work.resolve("journal").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.sink.outputRoot = work.resolve("raw").toString();
        config.control.httpPort = 0;
        config.control.liveViewEndpoint = "";
        config.control.ruleStoreDirectory = work.resolve("rule-store").toString();
        config.simulator.seriesId = "e2e-0001";
        // the node binds a port the system chooses; the demo's simulator sends to it
        config.ingest.endpoints = List.of("tcp://127.0.0.1:*");
        config.simulator.endpoint = "tcp://127.0.0.1:*";
        assertTrue(config.simulator.frames >= 1000, "the demo configuration sends at least 1,000 frames");

        DemoReport report = new DemoRunner(config, false).run(Duration.ofMinutes(10));

        int frames = config.simulator.frames;
        assertEquals(frames, report.sent().frames());
        assertEquals(frames, report.framesJournaled());
        assertEquals(0, report.framesRejected());
        SeriesOutcome out = report.outcome();
        assertEquals(frames, out.framesReceived());
        assertEquals(frames, out.framesStored());
        assertEquals(0, out.framesMissing());
        assertEquals((frames + config.sink.framesPerFile - 1) / config.sink.framesPerFile, out.dataFiles().size());
        assertTrue(out.compressionRatio() > 2, "bitshuffle/LZ4 on detector data, got " + out.compressionRatio());

        // Reference reader: h5py reads the frames through the master's NXdata signal, a virtual dataset over the
        // data files (decoding filter 32008), and their frame numbers from each data file it maps.
        String script = String.join("\n",
                "import sys, os, hashlib, h5py, numpy as np",
                "f = h5py.File(sys.argv[1], 'r')",
                "d = f['/entry/data'][f['/entry/data'].attrs['signal'].decode()]",
                "assert d.is_virtual and (d.dtype == np.dtype('<u2') or d.dtype == np.dtype('uint16')), d.dtype",
                "nums = []",
                "for src in d.virtual_sources():",
                "    g = h5py.File(os.path.join(os.path.dirname(sys.argv[1]), src.file_name), 'r')",
                "    assert '32008' in g[src.dset_name]._filters, g[src.dset_name]._filters",
                "    nums.extend(int(n) for n in g['/entry/data/frame_number'][...])",
                "assert d.shape[0] == len(nums), (d.shape, len(nums))",
                "for i in range(d.shape[0]):",
                "    img = np.ascontiguousarray(d[i], dtype='<u2')",
                "    print(nums[i], img.shape[0], img.shape[1], hashlib.sha256(img.tobytes()).hexdigest())");
        String listing = DebianPython.run(script, 300, out.master().toString()).orThrow();
        String[] lines = listing.strip().split("\n");
        assertEquals(frames, lines.length, "frames read back by h5py");

        FrameSynthesizer synth = new FrameSynthesizer(DetectorSimulator.Settings.from(config.simulator).parameters());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < frames; i++) {
            String[] f = lines[i].split(" ");
            long number = Long.parseLong(f[0]);
            assertEquals(i, number, "frames in order");
            assertEquals(config.simulator.height, Integer.parseInt(f[1]));
            assertEquals(config.simulator.width, Integer.parseInt(f[2]));
            SimulatedFrame sent = synth.frame(number);
            String expected = HexFormat.of().formatHex(sha.digest(FrameSynthesizer.toLittleEndianBytes(sent)));
            assertEquals(expected, f[3], "pixels of frame " + number);
        }

        // The reduction ran on every frame: radial profiles, and peaks on exactly the simulated hits.
        String reduced = DebianPython.run(String.join("\n",
                "import sys, h5py, numpy as np",
                "r = h5py.File(sys.argv[1], 'r')['/entry/reduction']",
                "print(r['radial_profile'].shape[0], r['radial_profile'].shape[1], r['radial_axis'].shape[0])",
                "ax = r['radial_axis'][...]",
                "u = r['radial_axis'].attrs['units']",
                "print(u.decode() if isinstance(u, bytes) else u, float(ax[0]), float(ax[-1]))",
                "print(' '.join(str(int(n)) for n in r['frame_number'][...]))",
                "print(' '.join(str(int(c)) for c in r['peak_count'][...]))"), 120, out.master().toString()).orThrow();
        String[] red = reduced.strip().split("\n");
        assertEquals(frames + " " + config.reduction.integration.bins + " " + config.reduction.integration.bins,
                red[0], "radial profile of every frame, with its axis");
        String[] axis = red[1].split(" ");
        assertEquals(config.reduction.integration.unit, axis[0], "radial axis in physical units");
        assertTrue(Double.parseDouble(axis[1]) >= 0 && Double.parseDouble(axis[2]) > 1.0,
                "q range of the demo geometry: " + red[1]);
        String[] numbers = red[2].split(" ");
        String[] peaks = red[3].split(" ");
        int hitsFound = 0;
        for (int i = 0; i < frames; i++) {
            boolean hit = synth.frame(Long.parseLong(numbers[i])).hit();
            boolean found = Integer.parseInt(peaks[i]) >= 10;
            assertEquals(hit, found, "hit classification of frame " + numbers[i] + " (" + peaks[i] + " peaks)");
            hitsFound += found ? 1 : 0;
        }
        assertEquals(report.sent().hits(), hitsFound);

        // h5dump (libhdf5's own tool) decodes a pixel block of the first data file through the plugin.
        Path firstData = out.dataFiles().get(0);
        ProcessBuilder pb = new ProcessBuilder("h5dump", "-d", "/entry/data/data", "-s", "0,100,200", "-c", "1,1,4",
                "-y", "-w", "0", firstData.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String dump = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), dump);
        short[] px = synth.frame(0).pixels();
        StringBuilder want = new StringBuilder();
        for (int x = 200; x < 204; x++) {
            want.append(want.length() == 0 ? "" : ", ").append(px[100 * config.simulator.width + x] & 0xFFFF);
        }
        assertTrue(dump.replaceAll("\\s+", " ").contains(want.toString()), "h5dump shows " + want + " in:\n" + dump);
    }
}
