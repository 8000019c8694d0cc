package io.beamflow.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code beamflow archive ...} end to end on POSIX targets: migrate, status, verify, purge, restore, errors. */
class ArchiveCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private Run beamflow(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BeamflowCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private List<String> common(String... more) {
        List<String> a = new ArrayList<>(List.of("--root", tmp.resolve("raw").toString(),
                "--catalog", "jdbc:sqlite:" + tmp.resolve("cat.db"),
                "-t", tmp.resolve("arch1").toString(), "-t", tmp.resolve("arch2").toUri().toString(), "--quiet"));
        a.addAll(List.of(more));
        return a;
    }

    private Run archive(String sub, String... more) {
        List<String> a = new ArrayList<>(List.of("archive", sub));
        a.addAll(common(more));
        return beamflow(a.toArray(String[]::new));
    }

    @Test
    void shouldMigrateVerifyPurgeAndRestoreFromCommandLine() throws Exception {
        Path series = Files.createDirectories(tmp.resolve("raw/p99/scan1"));
        Random rnd = new Random(3);
        List<Path> files = new ArrayList<>();
        for (String name : List.of("scan1_data_000001.h5", "scan1_data_000002.h5", "scan1_master.h5")) {
            byte[] b = new byte[700_000 + rnd.nextInt(1000)];
            rnd.nextBytes(b);
            files.add(Files.write(series.resolve(name), b));
        }
        List<byte[]> original = new ArrayList<>();
        for (Path f : files) {
            original.add(Files.readAllBytes(f));
        }

        Run m = archive("migrate");
        assertEquals(0, m.code(), m.out() + m.err());
        assertTrue(m.out().contains("6 copies written"), m.out());

        Run st = archive("status");
        assertEquals(0, st.code(), st.err());
        assertTrue(st.out().contains("p99/scan1"), st.out());
        assertTrue(st.out().matches("(?s).*p99/scan1\\s+3\\s+.*\\s3\\s+3\\s+0\\s+3\\s+0\\s+0.*"), st.out());

        Run v = archive("verify");
        assertEquals(0, v.code(), v.out());
        Path copy = tmp.resolve("arch1/p99/scan1/scan1_data_000002.h5");
        byte[] bytes = Files.readAllBytes(copy);
        bytes[1234] ^= 1;
        Files.write(copy, bytes);
        Run bad = archive("verify", "--series", "scan1");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("BAD p99/scan1/scan1_data_000002.h5 on file://"), bad.out());

        Run kept = archive("purge", "--retention-days", "0");
        assertEquals(0, kept.code(), kept.out() + kept.err());
        assertTrue(kept.out().contains("1 files purged"), kept.out());
        assertTrue(Files.exists(files.get(1)), "the file with a corrupt copy stays");
        assertFalse(Files.exists(files.get(0)));

        assertEquals(0, archive("migrate").code(), "repairs the corrupt copy");
        Run purged = archive("purge", "--retention-days", "0");
        assertEquals(0, purged.code(), purged.out());
        assertTrue(files.stream().noneMatch(Files::exists));

        Path dest = tmp.resolve("restored");
        Run r = archive("restore", "--series", "p99/scan1", "--to", dest.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        for (int i = 0; i < files.size(); i++) {
            assertArrayEquals(original.get(i), Files.readAllBytes(dest.resolve(files.get(i).getFileName())));
        }
    }

    @Test
    void shouldRunOneServicePassFromConfigurationFile() throws Exception {
        Path series = Files.createDirectories(tmp.resolve("raw/bt/s1"));
        Files.write(series.resolve("s1_data_000001.h5"), new byte[] {1, 2, 3});
        Files.write(series.resolve("s1_master.h5"), new byte[] {4});
        Path conf = Files.writeString(tmp.resolve("beamflow.yaml"), String.join("\n",
                "sink:",
                "  outputRoot: " + tmp.resolve("raw"),
                "archive:",
                "  catalogUrl: jdbc:sqlite:" + tmp.resolve("svc.db"),
                "  targets: [" + tmp.resolve("t1") + ", " + tmp.resolve("t2") + "]",
                "  retentionDays: 0",
                "  purgeInService: true",
                ""));
        Run r = beamflow("archive", "run", "--once", "-q", "-c", conf.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("run: 1 passes, 0 with errors"), r.out());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(tmp.resolve("t2/bt/s1/s1_data_000001.h5")));
        assertFalse(Files.exists(series), "purged in the same pass (retention 0)");

        Run badConf = beamflow("archive", "status", "-c", tmp.resolve("missing.yaml").toString());
        assertEquals(2, badConf.code());
        assertTrue(badConf.err().contains("missing.yaml"), badConf.err());
    }

    @Test
    void shouldReportLinksAsSkippedRecordSha256WhenAskedAndRefuseChecksumsWithoutAdler32() throws Exception {
        Path series = Files.createDirectories(tmp.resolve("raw/bt/s2"));
        Files.write(series.resolve("s2_data_000001.h5"), new byte[] {1, 2, 3});
        Files.write(series.resolve("s2_master.h5"), new byte[] {4});
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "not for the archive");
        Files.createSymbolicLink(series.resolve("s2_data_000002.h5"), secret);

        Run m = archive("migrate", "--checksums", "adler32,sha-256");
        assertEquals(1, m.code(), "a skipped link is a problem to report: " + m.out() + m.err());
        assertTrue(m.out().contains("SKIPPED bt/s2/s2_data_000002.h5: symbolic link to " + secret), m.out());
        assertTrue(m.out().contains("4 copies written"), m.out());
        assertFalse(Files.exists(tmp.resolve("arch1/bt/s2/s2_data_000002.h5")), "the link is not followed");
        try (io.beamflow.archive.catalog.ArchiveCatalog c = io.beamflow.archive.catalog.ArchiveCatalog.open(
                "jdbc:sqlite:" + tmp.resolve("cat.db"), java.time.Clock.systemUTC())) {
            assertTrue(c.file("bt/s2/s2_master.h5").orElseThrow().checksums().hasSha256(), "SHA-256 recorded when asked");
        }

        Run bad = archive("migrate", "--checksums", "sha-256");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("lack adler32"), bad.err());
    }

    @Test
    void shouldExplainMissingTargetsAndUnknownSeries() {
        Run noTargets = beamflow("archive", "migrate", "--root", tmp.toString(), "--catalog", "jdbc:sqlite:" + tmp.resolve("c.db"));
        assertEquals(2, noTargets.code());
        assertTrue(noTargets.err().contains("no archive targets"), noTargets.err());

        Run unknown = archive("restore", "--series", "nope", "--to", tmp.resolve("x").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("no archived series matches 'nope'"), unknown.err());

        Run badScheme = beamflow("archive", "status", "--root", tmp.toString(), "-t", "ftp://host/x");
        assertEquals(2, badScheme.code());
        assertTrue(badScheme.err().contains("unsupported archive target"), badScheme.err());
    }
}
