package io.beamflow.reduce.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
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
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

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
}
