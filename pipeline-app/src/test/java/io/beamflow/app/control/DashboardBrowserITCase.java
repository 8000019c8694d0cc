package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.reduce.rules.CompiledRules;
import io.beamflow.reduce.rules.RuleCompiler;
import io.beamflow.sink.live.LiveViewPublisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the dashboard in real headless Chromium while frames flow through the live-view publisher,
 * checks that the image and the profile update, that a bad rule gets an inline validation error,
 * that activating a good rule changes the hit rate, and saves a screenshot.
 */
@Timeout(180)
class DashboardBrowserITCase {
    @TempDir
    Path dir;

    /** The job's rule engine, recompiled when the active version changes. */
    static final class RuleEngine {
        private CompiledRules compiled;

        synchronized void decide(RuleDocument doc, FrameResult r) {
            if (compiled == null || compiled.document().version() != doc.version()) {
                RuleCompiler.Compilation c = new RuleCompiler().compile(doc);
                assertTrue(c.ok(), "active document does not compile: " + c.problems());
                compiled = c.rules();
            }
            compiled.decide(r);
        }
    }

    static final String BAD_RULE = "{\"defaultAction\": \"VETO\", \"rules\": [{\"name\": \"hits\", "
            + "\"expression\": \"bogus >= 15\", \"action\": \"KEEP\"}]}";

    static String peakRule(int minPeaks) {
        return "{\"defaultAction\": \"VETO\", \"rules\": [{\"name\": \"hits\", "
                + "\"expression\": \"peaks.count >= " + minPeaks + "\", \"action\": \"KEEP\", \"prescale\": 1}]}";
    }

    /**
     * The operator's session: sees live data, gets inline errors for a bad rule, activates a good one
     * and sees the hit rate drop below {@code hitRateBelow}; saves a screenshot.
     */
    static void operatorSession(DashboardPage page, String token, String goodRule, double hitRateBelow, Path screenshot)
            throws Exception {
        page.awaitImageAndProfileUpdates(30);
        // sampled until painted: a single sample can catch the canvas between two frames (once: <= 20
        // colours, and 1273 when the failure message sampled it again)
        int[] colours = {0};
        try {
            page.await(30, d -> (colours[0] = page.imageColours()) > 20);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("image looks blank: " + colours[0] + " colours", e);
        }
        // latency = page clock at arrival - ingest receive time of the frame; the job may first work
        // off the frames that queued while it started, so wait (bounded) for it to catch up
        long[] latencyMs = {Long.MAX_VALUE};
        try {
            page.await(90, d -> {
                latencyMs[0] = Long.parseLong(page.text("latencyMs"));
                return latencyMs[0] < 1000;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("frames still reach the page " + latencyMs[0] + " ms after ingest", e);
        }
        System.out.println("ingest-to-page latency " + latencyMs[0] + " ms");

        // keep-all rules: every frame is a hit
        page.await(30, d -> !Double.isNaN(page.hitRate()));
        assertEquals(1.0, page.hitRate(), 1e-9);
        assertEquals("v0", page.text("activeVersion"));

        // a bad rule is refused inline, by validation and on activation
        page.type("token", token);
        page.type("author", "browser-test");
        page.type("comment", "keep frames with many peaks");
        page.setEditor(BAD_RULE);
        page.await(30, d -> page.text("ruleProblems").contains("unknown variable 'bogus'"));
        page.click("activateBtn");
        page.await(30, d -> page.text("ruleMessage").contains("version 0 stays active"));
        assertTrue(page.text("ruleProblems").contains("rule 'hits' line 1, column 1: unknown variable 'bogus'"),
                page.text("ruleProblems"));
        page.setEditor("{\"defaultAction\": \"VETO\", \"rules\": [");
        page.await(30, d -> page.text("ruleProblems").startsWith("JSON:"));

        // a good rule is activated, the job follows it and the hit rate drops
        page.setEditor(goodRule);
        page.await(30, d -> page.text("ruleMessage").equals("valid"));
        page.click("activateBtn");
        page.await(30, d -> page.text("ruleMessage").equals("activated version 1"));
        page.await(30, d -> page.text("activeVersion").equals("v1"));
        page.await(30, d -> page.text("effectiveVersion").equals("v1"));
        page.await(30, d -> page.hitRate() < hitRateBelow);
        // the screenshot shows a frame drawn after the new rule took effect
        String frameAtChange = page.attr("image", "data-frame");
        page.await(30, d -> !page.attr("image", "data-frame").equals(frameAtChange));
        page.screenshot(screenshot);
    }

    private static BeamflowConfig liveViewAt(BeamflowConfig c, String endpoint) {
        c.control.liveViewEndpoint = endpoint;
        return c;
    }

    @Test
    void shouldShowLiveDataValidateRulesAndChangeHitRateInHeadlessChromium() throws Exception {
        String token = "browser-test-token";
        BeamflowConfig c = ControlApiTest.config(dir, token);
        c.control.liveViewMaxRateHz = 10;
        c.control.liveViewMaxEdge = 256;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // the publisher binds a port the system chooses; the control server's dashboard subscribes to it
        try (LiveViewPublisher pub = new LiveViewPublisher("tcp://127.0.0.1:*", c.control.liveViewMaxRateHz,
                c.control.liveViewMaxEdge, registry);
                ControlServer server = ControlServer.start(liveViewAt(c, pub.boundEndpoint()), registry,
                        new RuleCompiler(), SeriesControl.NONE);
                SyntheticResultFeed feed = new SyntheticResultFeed(512, 40, pub, dir.resolve("rules"),
                        new RuleEngine()::decide);
                DashboardPage page = new DashboardPage(dir.resolve("chromium-profile"))) {
            page.open(server.url());
            // "live" means the socket is open; the canvas takes the image's size with the first frame drawn
            page.await(30, d -> !page.attr("image", "data-frame").isEmpty());
            assertEquals("256", page.attr("image", "width"));
            operatorSession(page, token, peakRule(15), 0.6, Path.of("target", "dashboard-screenshot.png"));
            assertEquals("ACTIVATE", server.rules().audit().latest(1).get(0).action());
            assertTrue(feed.framesSent() > 0);
        }
    }
}
