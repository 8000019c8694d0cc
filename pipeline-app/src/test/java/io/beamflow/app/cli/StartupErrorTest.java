package io.beamflow.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A bad configuration value, a missing file or a port in use ends the command before it starts
 * anything, with one line naming the file, line and key and what is allowed, exit status 2, and no
 * stack trace.
 */
@Timeout(120)
class StartupErrorTest {
    @TempDir
    Path dir;

    /** Exit status and what the command printed on stderr. */
    record Outcome(int code, String err) {
        String line() {
            String trimmed = err.strip();
            assertEquals(1, trimmed.lines().count(), "exactly one line: " + err);
            assertFalse(trimmed.contains("Exception") || trimmed.contains("\tat "), "no stack trace: " + err);
            return trimmed;
        }
    }

    private Outcome run(String... args) {
        CommandLine cl = BeamflowCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new Outcome(code, err.toString());
    }

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("beamflow.yaml");
        Files.writeString(f, text);
        return f;
    }

    private String journal() {
        return "  journalDirectory: " + dir.resolve("journal") + "\n";
    }

    @Test
    void shouldNameFileLineKeyAndAllowedValuesForAnUnknownProtocol() throws IOException {
        Path f = yaml("# ingest node\ningest:\n  endpoints: [\"tcp://127.0.0.1:*\"]\n  protocol: dectris-v9\n" + journal());
        Outcome o = run("ingest", "--config", f.toString());
        assertEquals(2, o.code(), o.err());
        String line = o.line();
        assertTrue(line.startsWith("beamflow ingest: " + f + ":4: ingest.protocol is 'dectris-v9'"), line);
        assertTrue(line.contains("allowed: native, dectris-stream-v1, dectris-stream-v2"), line);
        Outcome option = run("ingest", "--config", f.toString(), "--protocol", "zmtp");
        assertEquals(2, option.code());
        assertTrue(option.line().contains("--protocol (ingest.protocol) is 'zmtp'"), option.err());
    }

    @Test
    void shouldRefuseAnOidcConfigurationThatWouldAcceptForgeableTokens() throws IOException {
        Path f = yaml("sink:\n  beamline: p11\ncontrol:\n  httpPort: 0\n  oidc:\n"
                + "    issuer: https://login.facility.example/realms/users\n    audience: beamflow-p11\n"
                + "    jwksUrl: https://login.facility.example/certs\n    algorithms: [RS256, HS256]\n");
        Outcome o = run("pipeline", "--config", f.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.line().startsWith("beamflow pipeline: " + f + ":9: control.oidc.algorithms has 'HS256'"), o.err());
        Path http = yaml("sink:\n  beamline: p11\ncontrol:\n  httpPort: 0\n  oidc:\n"
                + "    issuer: https://login.facility.example/realms/users\n    audience: beamflow-p11\n"
                + "    jwksUrl: http://login.facility.example/certs\n");
        Outcome h = run("pipeline", "--config", http.toString());
        assertEquals(2, h.code(), h.err());
        assertTrue(h.line().contains(":8: control.oidc.jwksUrl is 'http://login.facility.example/certs'; allowed: an "
                + "https:// URL"), h.err());
    }

    @Test
    void shouldNameTheKeyOfAValueOfTheWrongTypeOrAnUnknownKey() throws IOException {
        Path f = yaml("ingest:\n  endpoints: [\"tcp://127.0.0.1:*\"]\ncontrol:\n  httpPort: eighty\n");
        Outcome o = run("pipeline", "--config", f.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.line().startsWith("beamflow pipeline: " + f + ":4: key 'control.httpPort'"), o.err());
        Path typo = yaml("ingest:\n  protocl: native\n");
        Outcome t = run("ingest", "--config", typo.toString());
        assertEquals(2, t.code(), t.err());
        assertTrue(t.line().contains(typo + ":2: unknown key 'ingest.protocl'"), t.err());
        Outcome yamlError = run("ingest", "--config", yaml("ingest: [unclosed\n").toString());
        assertEquals(2, yamlError.code(), yamlError.err());
        yamlError.line();
    }

    @Test
    void shouldReportAMissingConfigurationOrGeometryFile() throws IOException {
        Outcome o = run("ingest", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.line().contains("nope.yaml not found"), o.err());
        Path f = yaml("reduction:\n  integration:\n    poniFile: " + dir.resolve("missing.poni") + "\n");
        Outcome p = run("pipeline", "--config", f.toString(), "--no-server");
        assertEquals(2, p.code(), p.err());
        assertTrue(p.line().contains(f + ":3: reduction.integration.poniFile"), p.err());
    }

    @Test
    void shouldRefuseABeamlineStaffEntryThatIsNoUnixAccountName() throws IOException {
        Path f = yaml("sink:\n  beamtimeStore: " + dir.resolve("beamtimes.jsonl") + "\n  beamline: p11\n"
                + "  beamlineStaff: [alice, \"-m u:eve:rwx\"]\n");
        Outcome o = run("pipeline", "--config", f.toString(), "--no-server");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.line().contains(f + ":4: sink.beamlineStaff has '-m u:eve:rwx'"), o.err());
    }

    @Test
    void shouldRefuseAModuleLayoutThatDoesNotFitAndAMissingPixelMaskFile() throws IOException {
        Path f = yaml("reduction:\n  assembly:\n    width: 64\n    height: 48\n    moduleWidth: 30\n"
                + "    moduleHeight: 22\n    modules:\n      - {x: 0, y: 0}\n      - {x: 20, y: 0}\n");
        Outcome o = run("pipeline", "--config", f.toString(), "--no-server");
        assertEquals(2, o.code(), o.err());
        assertTrue(o.line().contains(f + ":7: reduction.assembly.modules[1] overlaps modules[0]"), o.err());
        Path g = yaml("sink:\n  pixelMaskFile: " + dir.resolve("mask.npy") + "\n");
        Outcome m = run("pipeline", "--config", g.toString(), "--no-server");
        assertEquals(2, m.code(), m.err());
        assertTrue(m.line().contains(g + ":2: sink.pixelMaskFile '" + dir.resolve("mask.npy") + "': file not found"),
                m.err());
    }

    @Test
    void shouldFailFastWhenTheLiveViewOrIngestPortIsInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            Path f = yaml("control:\n  httpPort: 0\n  liveViewEndpoint: tcp://127.0.0.1:" + port + "\n");
            Outcome o = run("pipeline", "--config", f.toString());
            assertEquals(2, o.code(), o.err());
            assertTrue(o.line().contains(f + ":3: control.liveViewEndpoint 'tcp://127.0.0.1:" + port + "'"), o.err());
            assertTrue(o.line().contains("cannot listen on 127.0.0.1:" + port), o.err());

            Path g = yaml("ingest:\n  endpoints: [\"tcp://127.0.0.1:" + port + "\"]\n" + journal());
            Outcome i = run("ingest", "--config", g.toString());
            assertEquals(2, i.code(), i.err());
            assertTrue(i.line().contains(g + ":2: ingest.endpoints"), i.err());

            Outcome h = run("pipeline", "--config", yaml("control:\n  liveViewEndpoint: \"\"\n").toString(),
                    "--http-port", String.valueOf(port));
            assertEquals(2, h.code(), h.err());
            assertTrue(h.line().contains("--http-port (control.httpPort)"), h.err());
        }
    }

    @Test
    void shouldRefuseMalformedEndpointsAndOutOfRangeLimits() throws IOException {
        Path f = yaml("ingest:\n  endpoints: [\"udp://127.0.0.1:5\"]\n" + journal());
        assertTrue(run("ingest", "--config", f.toString()).line().contains("is not a ZeroMQ endpoint"));
        Path g = yaml("ingest:\n  endpoints: [\"tcp://127.0.0.1:99999\"]\n" + journal());
        Outcome range = run("ingest", "--config", g.toString());
        assertTrue(range.line().contains("out of range"), range.err());
        Path h = yaml("ingest:\n  endpoints: [\"tcp://127.0.0.1:*\"]\n  maxFrameBytes: 4294967296\n" + journal());
        Outcome o = run("ingest", "--config", h.toString());
        assertEquals(2, o.code());
        assertTrue(o.line().contains(h + ":3: ingest.maxFrameBytes is 4294967296"), o.err());
    }
}
