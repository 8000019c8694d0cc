package io.beamflow.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos drill's short version for CI: 300 frames through separately started ingest node and pipeline
 * (embedded MiniCluster) and the archive migrator, with at least four SIGKILLs, each process at least once (seed
 * fixed, so the same victims at the same frame counts each time); every frame must be in the files exactly once with its pixels, the master's
 * accounting must say what was sent, every archive copy must verify. The cluster mode and the long run (at least
 * 20 kills over 10,000 frames) are in {@code benchmarks/RESULTS.md}: starting a Flink cluster of three JVMs would
 * take this test past its two minutes on two cores.
 */
class ChaosDrillITCase {
    @TempDir
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldLoseAndDuplicateNothingWhenIngestPipelineAndArchiveAreKilled() throws Exception {
        DrillSettings s = new DrillSettings(work, 300, 4, 18, false, 128, 128, 20, 50, 3, 3, false);
        DrillReport report = ChaosDrill.run(s);
        System.out.println(report.format());
        assertTrue(report.passed(), report::format);
        assertTrue(report.totalKills() >= 4, report::format);
        for (String victim : new String[] {KillPlan.INGEST, KillPlan.PIPELINE, KillPlan.ARCHIVE}) {
            assertTrue(report.kills().getOrDefault(victim, 0) >= 1, () -> victim + " killed; " + report.format());
        }
        assertEquals(s.frames(), report.files().frameCopies().size(), report::format);
    }
}
