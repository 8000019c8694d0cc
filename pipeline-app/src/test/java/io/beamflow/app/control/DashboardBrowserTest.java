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
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Loads the dashboard in real headless Chromium while frames flow through the live-view publisher,
 * checks that the image and the profile update, that a bad rule gets an inline validation error,
 * that activating a good rule changes the hit rate, and saves a screenshot.
 */
@Timeout(180)
class DashboardBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static WebDriver headlessChromium(Path profile) {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "install Debian packages chromium and chromium-driver (listed in .ci/apt-packages)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1720,1180", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    static String text(WebDriver d, String id) {
        return d.findElement(By.id(id)).getText();
    }

    static String attr(WebDriver d, String id, String name) {
        return d.findElement(By.id(id)).getDomAttribute(name);
    }

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

    @Test
    void shouldShowLiveDataValidateRulesAndChangeHitRateInHeadlessChromium() throws Exception {
        String token = "browser-test-token";
        BeamflowConfig c = ControlApiTest.config(dir, token);
        c.control.liveViewEndpoint = "tcp://127.0.0.1:" + freePort();
        c.control.liveViewMaxRateHz = 10;
        c.control.liveViewMaxEdge = 256;
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Path screenshot = Path.of("target", "dashboard-screenshot.png");
        try (LiveViewPublisher pub = new LiveViewPublisher(c.control.liveViewEndpoint, c.control.liveViewMaxRateHz,
                c.control.liveViewMaxEdge, registry);
                ControlServer server = ControlServer.start(c, registry, new RuleCompiler(), SeriesControl.NONE);
                SyntheticResultFeed feed = new SyntheticResultFeed(512, 40, pub, dir.resolve("rules"),
                        new RuleEngine()::decide)) {
            WebDriver d = headlessChromium(dir.resolve("chromium-profile"));
            try {
                WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30), Duration.ofMillis(100));
                d.get(server.url().toString());
                wait.until(x -> text(x, "connection").equals("live"));

                // the image and the profile update
                wait.until(x -> Integer.parseInt(attr(x, "image", "data-renders")) >= 1);
                String firstImageFrame = attr(d, "image", "data-frame");
                String firstProfileFrame = attr(d, "profile", "data-frame");
                wait.until(x -> !attr(x, "image", "data-frame").equals(firstImageFrame));
                wait.until(x -> !attr(x, "profile", "data-frame").equals(firstProfileFrame));
                assertEquals("256", attr(d, "image", "width"));
                Object distinctColours = ((JavascriptExecutor) d).executeScript(
                        "const c = document.getElementById('image'); const p = c.getContext('2d')"
                                + ".getImageData(0, 0, c.width, c.height).data; const s = new Set();"
                                + "for (let i = 0; i < p.length; i += 4) s.add(p[i] << 16 | p[i+1] << 8 | p[i+2]);"
                                + "return s.size;");
                assertTrue(((Number) distinctColours).intValue() > 20, "image looks blank: " + distinctColours);
                long latencyMs = Long.parseLong(text(d, "latencyMs"));
                assertTrue(latencyMs < 1000, "frame reached the page after " + latencyMs + " ms");

                // keep-all rules: every frame is a hit
                wait.until(x -> !attr(x, "hitRate", "data-value").isEmpty());
                assertEquals(1.0, Double.parseDouble(attr(d, "hitRate", "data-value")), 1e-9);
                assertEquals("v0", text(d, "activeVersion"));

                // a bad rule is refused inline, by validation and on activation
                d.findElement(By.id("token")).sendKeys(token);
                d.findElement(By.id("author")).sendKeys("browser-test");
                d.findElement(By.id("comment")).sendKeys("keep frames with many peaks");
                setEditor(d, "{\"defaultAction\": \"VETO\", \"rules\": [{\"name\": \"hits\", "
                        + "\"expression\": \"bogus >= 15\", \"action\": \"KEEP\"}]}");
                wait.until(x -> text(x, "ruleProblems").contains("unknown variable 'bogus'"));
                d.findElement(By.id("activateBtn")).click();
                wait.until(x -> text(x, "ruleMessage").contains("version 0 stays active"));
                assertTrue(text(d, "ruleProblems").contains("rule 'hits' line 1, column 1: unknown variable 'bogus'"));
                setEditor(d, "{\"defaultAction\": \"VETO\", \"rules\": [");
                wait.until(x -> text(x, "ruleProblems").startsWith("JSON:"));

                // a good rule is activated and the hit rate drops to about the hit fraction (0.3)
                setEditor(d, "{\"defaultAction\": \"VETO\", \"rules\": [{\"name\": \"hits\", "
                        + "\"expression\": \"peaks.count >= 15\", \"action\": \"KEEP\", \"prescale\": 1}]}");
                wait.until(x -> text(x, "ruleMessage").equals("valid"));
                d.findElement(By.id("activateBtn")).click();
                wait.until(x -> text(x, "ruleMessage").equals("activated version 1"));
                wait.until(x -> text(x, "activeVersion").equals("v1"));
                wait.until(x -> text(x, "effectiveVersion").equals("v1"));
                new WebDriverWait(d, Duration.ofSeconds(30), Duration.ofMillis(200))
                        .until(x -> Double.parseDouble(attr(x, "hitRate", "data-value")) < 0.6);
                Thread.sleep(1500);
                Files.createDirectories(screenshot.getParent());
                Files.copy(((TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                        StandardCopyOption.REPLACE_EXISTING);
                assertTrue(Files.size(screenshot) > 10_000);
                assertEquals("ACTIVATE", server.rules().audit().latest(1).get(0).action());
                assertTrue(feed.framesSent() > 0);
            } finally {
                d.quit();
            }
        }
    }

    /** Replaces the editor text the way typing would (fires the input event). */
    static void setEditor(WebDriver d, String text) {
        ((JavascriptExecutor) d).executeScript("const e = document.getElementById('ruleEditor'); e.value = arguments[0];"
                + "e.dispatchEvent(new Event('input'));", text);
    }
}
