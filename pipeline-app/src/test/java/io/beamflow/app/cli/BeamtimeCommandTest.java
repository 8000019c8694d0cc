package io.beamflow.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.app.control.ControlServer;
import io.beamflow.app.control.SeriesControl;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.reduce.rules.RuleCompiler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code beamflow beamtime open|close|list|show} against a real control server on loopback: validated, refused
 * with reasons, token required for changes, audited, persisted in the store the sink reads.
 */
@Timeout(60)
class BeamtimeCommandTest {
    static final String TOKEN = "beamtime-test-token";

    @TempDir
    Path dir;

    private ControlServer server;
    private Path tokenFile;

    record Run(int code, String out, String err) {
    }

    private void start(boolean withStore) throws Exception {
        BeamflowConfig c = new BeamflowConfig();
        c.control.httpPort = 0;
        c.control.operatorToken = TOKEN;
        c.control.liveViewEndpoint = "";
        c.control.ruleStoreDirectory = dir.resolve("store").toString();
        c.reduction.rulesDirectory = dir.resolve("rules").toString();
        c.sink.beamtimeStore = withStore ? dir.resolve("beamtimes/beamtimes.jsonl").toString() : "";
        server = ControlServer.start(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new RuleCompiler(),
                SeriesControl.NONE);
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Run run(boolean withToken, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BeamflowCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("beamtime"));
        all.addAll(List.of(args));
        all.add("--url=" + server.url());
        all.add("--token-file=" + (withToken ? tokenFile : dir.resolve("wrong-token")));
        return new Run(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private Run open(boolean withToken, String id, String beamline, String group, Instant start, Instant end) {
        return run(withToken, "open", "--id=" + id, "--beamline=" + beamline, "--facility=PETRA III",
                "--proposal=I-20261234", "--pi=root", "--participant=root", "--group=" + group,
                "--start=" + start, "--end=" + end, "--commercial", "--embargo-end=2029-12-31", "--retention-days=90", "-a",
                "alice",
                "-m", "MX beamtime");
    }

    @Test
    void shouldOpenListShowAndCloseBeamtimesThroughTheControlApi() throws Exception {
        start(true);
        Files.writeString(dir.resolve("wrong-token"), "nope");
        // the accounts must exist on this host: root and its group always do
        String group = Files.getAttribute(dir, "posix:group").toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant end = now.plus(2, ChronoUnit.DAYS);

        Run noToken = open(false, "11012345", "p11", group, now, end);
        assertEquals(2, noToken.code(), noToken.err());
        assertTrue(new BeamtimeStore(dir.resolve("beamtimes/beamtimes.jsonl")).list().isEmpty(), "nothing stored");

        Run opened = open(true, "11012345", "p11", group, now, end);
        assertEquals(0, opened.code(), opened.err());
        Run overlap = open(true, "11012346", "p11", group, now.plus(1, ChronoUnit.DAYS), end.plus(1, ChronoUnit.DAYS));
        assertEquals(1, overlap.code());
        assertTrue(overlap.err().contains("overlaps open beamtime 11012345"), overlap.err());
        Run badGroup = open(true, "11012347", "p12", "nosuchgroup1", now, end);
        assertEquals(1, badGroup.code());
        assertTrue(badGroup.err().contains("no Unix group 'nosuchgroup1'"), badGroup.err());
        Run badDates = open(true, "11012348", "p12", group, end, now);
        assertEquals(1, badDates.code());
        assertTrue(badDates.err().contains("end: must be after start"), badDates.err());
        Run traversal = open(true, "../../etc", "p12", group, now, end);
        assertEquals(1, traversal.code());
        assertTrue(traversal.err().contains("id: must match"), traversal.err());

        assertEquals(2, run(false, "list").code(), "who takes part in a beamtime is not public");
        assertEquals(2, run(false, "show", "11012345").code(), "who takes part in a beamtime is not public");
        Run list = run(true, "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("11012345") && list.out().contains("open"), list.out());
        assertFalse(list.out().contains("11012346"), list.out());
        Run show = run(true, "show", "11012345");
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("\"commercial\" : true") && show.out().contains("\"embargoEnd\" : \"2029-12-31\"")
                && show.out().contains("\"retentionDays\" : 90"),
                show.out());
        assertEquals(2, run(true, "show", "nope").code(), "not found");
        assertEquals(2, run(true, "show", "../x").code(), "unsafe id refused before the request");
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "api/beamtimes/..%2F..%2Fetc")).header("Authorization", "Bearer " + TOKEN)
                .GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, raw.statusCode(), raw.body());

        assertEquals(2, run(false, "close", "11012345").code(), "close needs the token");
        Run closed = run(true, "close", "11012345", "-a", "bob");
        assertEquals(0, closed.code(), closed.err());
        assertEquals(2, run(true, "close", "11012345").code(), "closed already (409)");
        BeamtimeStore store = new BeamtimeStore(dir.resolve("beamtimes/beamtimes.jsonl"));
        assertFalse(store.find("11012345").orElseThrow().isOpen(), "persisted for the sink");
        assertTrue(store.at("p11", Instant.now().plus(1, ChronoUnit.HOURS)).isEmpty(), "no series placed any more");

        String audit = Files.readString(dir.resolve("store/audit.jsonl"));
        assertTrue(audit.contains("\"BEAMTIME_OPEN\"") && audit.contains("\"BEAMTIME_CLOSE\"")
                && audit.contains("\"BEAMTIME_REFUSED\""), audit);
        assertTrue(audit.contains("\"author\":\"bob\""), audit);
    }

    @Test
    void shouldSayThatBeamtimesAreNotManagedWithoutAStore() throws Exception {
        start(false);
        Run list = run(true, "list");
        assertEquals(2, list.code());
        assertTrue(list.err().contains("sink.beamtimeStore is not set"), list.err());
    }
}
