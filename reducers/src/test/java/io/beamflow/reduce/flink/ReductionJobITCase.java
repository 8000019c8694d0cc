package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.TriggerRule;
import io.beamflow.testing.RepoPaths;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.beamflow.testing.SharedMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The reduction job on a MiniCluster, reading journals written like an ingest node writes them. */
@SuppressWarnings("try")
class ReductionJobITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path dir;

    static BeamflowConfig boundedConfig(Path journalRoot, int streams) {
        BeamflowConfig c = new BeamflowConfig();
        c.ingest.journalDirectory = journalRoot.toString();
        c.reduction.stopAfterSeriesEnd = 1;
        c.reduction.expectedStreams = streams;
        c.reduction.streamDiscoveryIntervalMs = 100;
        c.reduction.rulesDirectory = journalRoot.resolveSibling("rules").toString();
        return c;
    }

    static List<FrameResult> run(StreamExecutionEnvironment env, BeamflowConfig config) throws Exception {
        List<FrameResult> out = new ArrayList<>();
        try (CloseableIterator<FrameResult> it = ReductionJob.build(env, config).executeAndCollect("reduction-test")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    @Timeout(120)
    void shouldReduceEveryJournaledFrameAndEndAfterSeriesEnd() throws Exception {
        Path journals = dir.resolve("journal");
        SimulationParameters p = SimulationParameters.defaults(128, 96).withHitFraction(0.0);
        Map<String, SimulatedFrame[]> written = new HashMap<>();
        try (JournalFixture a = new JournalFixture(journals, "stream-a");
                JournalFixture b = new JournalFixture(journals, "stream-b")) {
            written.put("series-a", a.series("series-a", new FrameSynthesizer(p), 30));
            written.put("series-b", b.series("series-b", new FrameSynthesizer(p.withSeed(7)), 20));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(Duration.ofMillis(500).toMillis());

        List<FrameResult> results = run(env, boundedConfig(journals, 2));

        for (String series : List.of("series-a", "series-b")) {
            List<FrameResult> mine = results.stream().filter(r -> r.seriesId.equals(series)).toList();
            SimulatedFrame[] frames = written.get(series);
            assertEquals(frames.length + 2, mine.size(), "frames plus two markers of " + series);
            assertEquals(FrameResult.Kind.SERIES_START, mine.get(0).kind);
            assertEquals(FrameResult.Kind.SERIES_END, mine.get(mine.size() - 1).kind);
            assertEquals(frames.length, mine.get(mine.size() - 1).frameNumber);
            for (int i = 0; i < frames.length; i++) {
                FrameResult r = mine.get(i + 1);
                assertEquals(FrameResult.Kind.FRAME, r.kind);
                assertEquals(i, r.frameNumber, "frames in order");
                double sum = 0;
                double max = 0;
                for (short v : frames[i].pixels()) {
                    sum += v & 0xFFFF;
                    max = Math.max(max, v & 0xFFFF);
                }
                assertEquals(sum, r.features.sum, 1e-6);
                assertEquals(max, r.features.max, 1e-6);
                assertEquals(sum / frames[i].pixels().length, r.features.mean, 1e-9);
                assertEquals(Decision.KEEP, r.decision);
                assertNotNull(r.pixels);
                assertTrue(r.pixels.length == 128 * 96 * 2);
            }
        }
    }

    /** ROI mask: a 16x16 square at (40, 30), written with h5py. */
    static final String WRITE_ROI_MASK = String.join("\n",
            "import sys, numpy as np, h5py",
            "m = np.zeros((int(sys.argv[3]), int(sys.argv[2])), dtype=np.uint8); m[30:46, 40:56] = 1",
            "with h5py.File(sys.argv[1], 'w') as f: f['mask'] = m",
            "");

    @Test
    @Timeout(180)
    void shouldComputeFeaturesFindHitsAndDecideByRulesEndToEnd() throws Exception {
        int w = 256;
        int h = 256;
        Path journals = dir.resolve("journal");
        SimulationParameters p = SimulationParameters.defaults(w, h).withHitFraction(0.4);
        int frames = 20;
        SimulatedFrame[] written;
        try (JournalFixture a = new JournalFixture(journals, "stream-a")) {
            written = a.series("features", new FrameSynthesizer(p), frames);
        }
        BeamflowConfig config = boundedConfig(journals, 1);
        ReductionConfig rc = config.reduction;
        rc.integration.poniFile = RepoPaths.root().resolve("reducers/src/test/resources/pyfai/tilted.poni").toString();
        rc.integration.bins = 100;
        rc.integration.unit = "2th_deg";
        rc.peaks.enabled = true;
        rc.peaks.beamCenterX = p.beamCenterX();
        rc.peaks.beamCenterY = p.beamCenterY();
        ReductionConfig.RoiConfig box = new ReductionConfig.RoiConfig();
        box.name = "box";
        box.x = 10;
        box.y = 20;
        box.width = 30;
        box.height = 5;
        Path maskFile = dir.resolve("roi.h5");
        io.beamflow.testing.DebianPython.run(WRITE_ROI_MASK, 60, maskFile.toString(), "" + w, "" + h).orThrow();
        ReductionConfig.RoiConfig masked = new ReductionConfig.RoiConfig();
        masked.name = "square";
        masked.maskFile = maskFile.toString();
        rc.rois = List.of(box, masked);
        RuleDocumentCodec.writeActive(Path.of(rc.rulesDirectory), new RuleDocument(2, "test", 0, "",
                List.of(new TriggerRule("hits", "peaks.count >= 10 && roi['square'] > 0", Decision.KEEP, 1)),
                Decision.VETO));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);

        List<FrameResult> results = run(env, config).stream().filter(r -> r.kind == FrameResult.Kind.FRAME).toList();

        assertEquals(frames, results.size());
        int hits = 0;
        for (FrameResult r : results) {
            SimulatedFrame f = written[(int) r.frameNumber];
            assertEquals(100, r.features.radialProfile.length);
            double boxSum = 0;
            double squareSum = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = f.pixels()[y * w + x] & 0xFFFF;
                    if (x >= 10 && x < 40 && y >= 20 && y < 25) {
                        boxSum += v;
                    }
                    if (x >= 40 && x < 56 && y >= 30 && y < 46) {
                        squareSum += v;
                    }
                }
            }
            assertEquals(boxSum, r.features.roiSums.get("box"), 1e-6);
            assertEquals(squareSum, r.features.roiSums.get("square"), 1e-6);
            assertEquals(2, r.ruleVersion);
            if (f.hit()) {
                hits++;
                assertTrue(r.features.peakCount() >= f.spots().size() * 0.9, "peaks on hit " + r.frameNumber);
                assertEquals(Decision.KEEP, r.decision, "hit kept: " + r.frameNumber);
                assertNotNull(r.pixels);
            } else {
                assertTrue(r.features.peakCount() < 10, "few peaks on non-hit " + r.frameNumber);
                assertEquals(Decision.VETO, r.decision);
                assertEquals(null, r.pixels, "vetoed frames carry no pixels");
            }
        }
        assertTrue(hits > 0 && hits < frames, "series has hits and non-hits: " + hits);
    }

    @Test
    @Timeout(180)
    void shouldDiscoverAStreamThatAppearsWhileTheJobRuns() throws Exception {
        Path journals = dir.resolve("journal");
        SimulationParameters p = SimulationParameters.defaults(128, 96).withHitFraction(0.0);
        try (JournalFixture a = new JournalFixture(journals, "early")) {
            a.series("early-1", new FrameSynthesizer(p), 5);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        List<FrameResult> results = new ArrayList<>();
        try (CloseableIterator<FrameResult> it = ReductionJob.build(env, boundedConfig(journals, 2))
                .executeAndCollect("late-stream")) {
            FrameResult r;
            do {
                r = it.next();
                results.add(r);
            } while (r.kind != FrameResult.Kind.SERIES_END);
            // The job is running and has finished the first stream; now a second ingest stream appears.
            try (JournalFixture b = new JournalFixture(journals, "late")) {
                b.series("late-1", new FrameSynthesizer(p.withSeed(3)), 7);
            }
            it.forEachRemaining(results::add);
        }
        assertEquals(5 + 2, results.stream().filter(r -> r.seriesId.equals("early-1")).count());
        List<FrameResult> late = results.stream().filter(r -> r.seriesId.equals("late-1")).toList();
        assertEquals(7 + 2, late.size());
        assertEquals(FrameResult.Kind.SERIES_END, late.get(late.size() - 1).kind);
    }
}
