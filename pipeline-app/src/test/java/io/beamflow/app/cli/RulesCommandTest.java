package io.beamflow.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.app.control.ControlServer;
import io.beamflow.app.control.SeriesControl;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.reduce.rules.RuleCompiler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class RulesCommandTest {
    static final String TOKEN = "cli-test-token";

    @TempDir
    Path dir;

    private ControlServer server;
    private Path tokenFile;

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        BeamflowConfig c = new BeamflowConfig();
        c.control.httpPort = 0;
        c.control.operatorToken = TOKEN;
        c.control.liveViewEndpoint = "";
        c.control.ruleStoreDirectory = dir.resolve("store").toString();
        c.reduction.rulesDirectory = dir.resolve("rules").toString();
        server = ControlServer.start(c, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new RuleCompiler(),
                SeriesControl.NONE);
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BeamflowCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 3];
        all[0] = "rules";
        System.arraycopy(args, 0, all, 1, args.length);
        // sub-command options go last
        all[args.length + 1] = "--url=" + server.url();
        all[args.length + 2] = "--token-file=" + tokenFile;
        return new Run(cl.execute(all), out.toString(), err.toString());
    }

    private Path file(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }

    static String rules(String expression) {
        return "{\"defaultAction\":\"VETO\",\"rules\":[{\"name\":\"hits\",\"expression\":\"" + expression
                + "\",\"action\":\"KEEP\",\"prescale\":1}]}";
    }

    @Test
    void shouldValidatePushListDiffAndRollBack() throws Exception {
        Path good = file("good.json", rules("peaks.count >= 15"));
        Path bad = file("bad.json", rules("peaks.count >= "));
        Path strict = file("strict.json", rules("peaks.count >= 40"));

        assertEquals(0, run("validate", good.toString()).code());
        Run invalid = run("validate", bad.toString());
        assertEquals(1, invalid.code());
        assertTrue(invalid.err().contains("rule 'hits'"), invalid.err());

        Run pushBad = run("push", bad.toString(), "-m", "typo");
        assertEquals(1, pushBad.code());
        assertTrue(pushBad.err().contains("version 0 stays active"), pushBad.err());

        Run push = run("push", good.toString(), "-a", "alice", "-m", "hits only");
        assertEquals(0, push.code(), push.err());
        assertEquals("activated version 1", push.out().trim());
        assertEquals(0, run("push", strict.toString(), "-a", "alice", "-m", "stricter").code());

        Run list = run("list");
        assertEquals(0, list.code());
        assertTrue(list.out().contains("2*"), list.out());
        assertTrue(list.out().contains("stricter"), list.out());

        Run diff = run("diff", "1");
        assertEquals(1, diff.code());
        assertTrue(diff.out().contains("-     \"expression\" : \"peaks.count >= 15\""), diff.out());
        assertTrue(diff.out().contains("+     \"expression\" : \"peaks.count >= 40\""), diff.out());
        assertEquals(0, run("diff", "2", strict.toString()).code());

        Run rollback = run("rollback", "1", "-a", "carol", "-m", "too strict");
        assertEquals(0, rollback.code(), rollback.err());
        assertEquals("rolled back to version 1 as version 3", rollback.out().trim());
        assertEquals("peaks.count >= 15", RuleDocumentCodec.readActive(dir.resolve("rules")).rules().get(0).expression());
        Run audit = run("audit");
        assertTrue(audit.out().contains("ROLLBACK"), audit.out());
        assertTrue(audit.out().contains("REFUSED"), audit.out());
    }

    @Test
    void shouldReportMissingTokenAndUnreachableServer() throws Exception {
        Path good = file("good.json", rules("sum > 1"));
        Files.writeString(tokenFile, "wrong");
        Run refused = run("push", good.toString(), "-m", "x");
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("HTTP 403"), refused.err());
        Run offline = run("validate", "--offline", good.toString());
        assertEquals(0, offline.code(), offline.err());
        Path broken = file("broken.json", "{\"rules\": [");
        Run parse = run("validate", broken.toString());
        assertEquals(2, parse.code());
        assertTrue(parse.err().contains("broken.json"), parse.err());
        server.close();
        Run down = run("list");
        assertEquals(2, down.code());
        assertTrue(down.err().contains("cannot connect"), down.err());
    }
}
