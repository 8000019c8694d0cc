package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.app.demo.DemoReport;
import io.beamflow.app.demo.DemoRunner;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.sink.live.LiveViewHeader;
import io.beamflow.sink.live.LiveViewSubscriber;
import io.beamflow.testing.DebianPython;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule pushed through the control API while the demo pipeline (ingest node, Flink job, HDF5 sink,
 * control server, live view) is running takes effect in the job at one frame: the frames before it are decided
 * by the old version and every frame from it on by the new one, as seen on the live view and as recorded in
 * the HDF5 master file; the change is in the audit log. How soon after the PUT it takes effect is printed, not
 * asserted (a wall-clock bound fails on a loaded machine; the rule source polls every
 * {@code reduction.rulePollIntervalMs}).
 */
class RuleChangeEndToEndITCase {
    static final String TOKEN = "itcase-operator-token";
    static final int FRAMES = 1200;

    @TempDir
    Path work;

    /** What the live view said about one frame. */
    record Seen(long frame, long receiveTimeNs, long publishTimeNs, long ruleVersion) {
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldCutOverToTheNewRulesAtOneFrameAndRecordItInAuditAndHdf5() throws Exception {
        // 24 s of frames at 50 Hz: enough left after the PUT even when the job starts slowly on a loaded machine
        BeamflowConfig config = DemoConfigs.paced(work, TOKEN, "rules-0001", FRAMES, 256, 50);
        config.control.liveViewMaxRateHz = 0;

        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        DemoRunner runner = new DemoRunner(config, true);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (LiveViewSubscriber sub = new LiveViewSubscriber(config.control.liveViewEndpoint, m -> {
            LiveViewHeader h = m.header();
            if ("frame".equals(h.type)) {
                seen.add(new Seen(h.frame, h.receiveTimeNs, h.publishTimeNs, h.ruleVersion));
            }
        })) {
            CompletableFuture<DemoReport> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return runner.run(Duration.ofMinutes(3));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            URI base = runner.controlUrl().get(120, TimeUnit.SECONDS); // the port its control server bound
            Await.until(Duration.ofSeconds(120), () -> "50 frames on the live view (got " + seen.size() + ")",
                    () -> seen.size() >= 50 || run.isDone());
            assertTrue(seen.size() >= 50, "the demo ended before it delivered 50 frames to the live view");
            String doc = "{\"author\":\"itcase\",\"comment\":\"keep frames with peaks\",\"defaultAction\":\"VETO\","
                    + "\"rules\":[{\"name\":\"hits\",\"expression\":\"peaks.count >= 5\",\"action\":\"KEEP\"}]}";
            long putStartNs = System.currentTimeMillis() * 1_000_000L;
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(base.resolve("api/rules"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
                    .PUT(HttpRequest.BodyPublishers.ofString(doc)).build(), HttpResponse.BodyHandlers.ofString());
            long putDoneNs = System.currentTimeMillis() * 1_000_000L;
            assertEquals(201, put.statusCode(), put.body());
            JsonNode audit = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(base.resolve("api/audit"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body()).get("entries");
            JsonNode last = audit.get(audit.size() - 1);
            assertEquals("ACTIVATE", last.get("action").asText());
            assertEquals("itcase", last.get("author").asText());
            assertEquals(1, last.get("version").asLong());

            DemoReport report = run.get(4, TimeUnit.MINUTES);
            assertEquals(FRAMES, report.outcome().framesReceived());

            long lateOld = seen.stream().filter(s -> s.ruleVersion() == 0).mapToLong(Seen::receiveTimeNs).max()
                    .orElse(0);
            long afterWindow = seen.stream().filter(s -> s.receiveTimeNs() > putDoneNs + 1_000_000_000L).count();
            long lateOldAfterWindow = seen.stream()
                    .filter(s -> s.receiveTimeNs() > putDoneNs + 1_000_000_000L && s.ruleVersion() != 1).count();
            long firstNew = seen.stream().filter(s -> s.ruleVersion() == 1).mapToLong(Seen::publishTimeNs).min()
                    .orElse(Long.MAX_VALUE);
            double effectMs = (firstNew - putStartNs) / 1e6;
            System.out.printf("rule change: PUT took %.0f ms; first version-1 frame left the job %.0f ms after the "
                    + "PUT was sent; "
                    + "last version-0 frame was received %.0f ms after the PUT; "
                    + "%d frames received > 1 s after the PUT, %d of them not on version 1%n",
                    (putDoneNs - putStartNs) / 1e6, effectMs, (lateOld - putDoneNs) / 1e6, afterWindow, lateOldAfterWindow);
            assertTrue(firstNew != Long.MAX_VALUE, "the new rules reached the live view");
            long oldAfterNew = seen.stream().filter(x -> x.ruleVersion() == 0 && x.publishTimeNs() > firstNew).count();
            assertEquals(0, oldAfterNew, "live-view frames on the old rules after the first on the new ones");

            // The HDF5 master records the deciding version of every frame, with the same cut-over.
            String script = String.join("\n",
                    "import sys, h5py, numpy as np",
                    "f = h5py.File(sys.argv[1], 'r'); g = f['/entry/reduction']",
                    "v = g['rule_version'][...]; t = g['receive_time_ns'][...]; d = g['decision'][...]",
                    "pc = g['peak_count'][...]; put = int(sys.argv[2])",
                    "back = int((np.diff(v.astype(np.int64)) < 0).sum())",
                    "print(len(v), int((v == 0).sum()), int((v == 1).sum()), back,",
                    "      int(((v == 1) & (pc >= 5) & (d != b'KEEP')).sum() + ((v == 1) & (pc < 5) & (d != b'VETO')).sum()))");
            String[] out = DebianPython.run(script, 120, report.outcome().master().toString(),
                    Long.toString(putDoneNs)).orThrow().trim().split(" ");
            assertEquals(Integer.toString(FRAMES), out[0], "frames in the master's reduction table");
            assertTrue(Long.parseLong(out[1]) > 0 && Long.parseLong(out[2]) > 0, "both versions recorded: v0="
                    + out[1] + " v1=" + out[2]);
            assertEquals("0", out[3], "frames in HDF5 on the old rules after one on the new rules (frame order)");
            assertEquals("0", out[4], "frames whose recorded decision does not follow rule version 1");
            assertNotNull(sub);
        }
    }
}
