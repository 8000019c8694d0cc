package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.Await;
import io.beamflow.app.demo.DemoReport;
import io.beamflow.app.demo.DemoRunner;
import io.beamflow.core.config.BeamflowConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's browser session against a demo run: ingest node, Flink MiniCluster job (real peak
 * finder, azimuthal integration, JEXL rules), HDF5 sink, live view and control server; the rule
 * activated in the page is followed by the job and the hit rate on the page drops.
 */
class DashboardDemoBrowserITCase {
    static final String TOKEN = "demo-browser-token";

    @TempDir
    Path work;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldDriveTheDashboardDuringADemoRun() throws Exception {
        BeamflowConfig config = DemoConfigs.paced(work, TOKEN, "browser-demo-0001", 2000, 512, 25);
        config.control.liveViewMaxRateHz = 10;
        config.control.liveViewMaxEdge = 512;
        DemoRunner runner = new DemoRunner(config, true);
        CompletableFuture<DemoReport> run = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(Duration.ofMinutes(3));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (DashboardPage page = new DashboardPage(work.resolve("chromium-profile"))) {
            URI url = runner.controlUrl().get(120, TimeUnit.SECONDS); // the port its control server bound
            // the demo starts its control server while the page is being opened: retry until it serves
            Await.value("the dashboard at " + url + " live", () -> {
                if (run.isDone()) {
                    return false;
                }
                page.open(url);
                return true;
            }, opened -> true);
            assertTrue(!run.isDone(), "the demo ended before its dashboard could be opened");
            long t0 = System.nanoTime();
            DashboardBrowserITCase.operatorSession(page, TOKEN, DashboardBrowserITCase.peakRule(5), 0.7,
                    Path.of("target", "dashboard-demo-screenshot.png"));
            System.out.printf("operator session took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertTrue(!run.isDone(), "the series ended before the session did: make it longer");
        } finally {
            DemoReport report = run.get(4, TimeUnit.MINUTES);
            assertEquals(2000, report.outcome().framesReceived());
        }
    }
}
