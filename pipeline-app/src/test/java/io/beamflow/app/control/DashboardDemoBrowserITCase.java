package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        CompletableFuture<DemoReport> run = CompletableFuture.supplyAsync(() -> {
            try {
                return new DemoRunner(config, true).run(Duration.ofMinutes(3));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (DashboardPage page = new DashboardPage(work.resolve("chromium-profile"))) {
            URI url = URI.create("http://127.0.0.1:" + config.control.httpPort + "/");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    page.open(url);
                    break;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline || run.isDone()) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
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
