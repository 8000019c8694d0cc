package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.Await;
import io.beamflow.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in real headless Chromium (Debian's chromium + chromedriver), driven by Selenium. */
final class DashboardPage implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final Pattern DRIVER_PORT = Pattern.compile("started successfully on port (\\d+)");

    private final Process chromedriver;
    private final WebDriver driver;

    DashboardPage(Path profileDirectory) {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "install Debian packages chromium and chromium-driver (listed in .ci/apt-packages)");
        // Selenium Manager must not download anything: driver and browser are given explicitly.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1720,1180", "--user-data-dir=" + profileDirectory);
        // chromedriver binds a port the system chooses (--port=0) and says which; no port probing
        Path log = profileDirectory.resolveSibling(profileDirectory.getFileName() + "-chromedriver.log");
        try {
            chromedriver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=0").redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + CHROMEDRIVER, e);
        }
        try {
            String port = Await.value("chromedriver's port in " + log, () -> {
                Matcher m = DRIVER_PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
                return m.find() ? m.group(1) : null;
            }, p -> p != null || !chromedriver.isAlive());
            if (port == null) {
                throw new AssertionError("chromedriver exited: " + Files.readString(log));
            }
            driver = new RemoteWebDriver(URI.create("http://127.0.0.1:" + port).toURL(), o);
        } catch (IOException e) {
            chromedriver.destroyForcibly();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            chromedriver.destroyForcibly();
            throw e;
        }
    }

    void open(URI url) {
        driver.get(url.toString());
        await(30, d -> text("connection").equals("live"));
    }

    <T> T await(int seconds, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100)).until(condition);
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    String attr(String id, String name) {
        String v = driver.findElement(By.id(id)).getDomAttribute(name);
        return v == null ? "" : v;
    }

    int renders(String canvasId) {
        return Integer.parseInt(attr(canvasId, "data-renders"));
    }

    /** Waits for the image and the profile to be drawn, then for both to show a newer frame. */
    void awaitImageAndProfileUpdates(int seconds) {
        await(seconds, d -> renders("image") >= 1 && renders("profile") >= 1);
        String image = attr("image", "data-frame");
        String profile = attr("profile", "data-frame");
        await(seconds, d -> !attr("image", "data-frame").equals(image));
        await(seconds, d -> !attr("profile", "data-frame").equals(profile));
    }

    /** @return distinct colours on the image canvas (a blank or uniform image has very few) */
    int imageColours() {
        Object n = ((JavascriptExecutor) driver).executeScript(
                "const c = document.getElementById('image'); const p = c.getContext('2d')"
                        + ".getImageData(0, 0, c.width, c.height).data; const s = new Set();"
                        + "for (let i = 0; i < p.length; i += 4) s.add(p[i] << 16 | p[i+1] << 8 | p[i+2]);"
                        + "return s.size;");
        return ((Number) n).intValue();
    }

    double hitRate() {
        String v = attr("hitRate", "data-value");
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    void type(String id, String text) {
        driver.findElement(By.id(id)).sendKeys(text);
    }

    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /** Replaces the rule editor's text the way typing would (fires the input event). */
    void setEditor(String text) {
        ((JavascriptExecutor) driver).executeScript("const e = document.getElementById('ruleEditor');"
                + "e.value = arguments[0]; e.dispatchEvent(new Event('input'));", text);
    }

    void screenshot(Path file) throws java.io.IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), file,
                StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(file) > 10_000, "screenshot too small");
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            Processes.stop(chromedriver, 10);
        }
    }
}
