package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A beamtime's files are readable by its people only, with real accounts: runs as root (as the CI does) to create
 * groups and users with {@code groupadd}/{@code useradd}, removed afterwards. A participant and a beamline
 * scientist read a frame; a member of another beamtime and an ordinary account cannot; the in-progress files
 * already have these rights before they are committed.
 */
class BeamtimeAccessTest {
    private static final String SUFFIX = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
    private static final String GROUP_A = "bfa" + SUFFIX;
    private static final String GROUP_B = "bfb" + SUFFIX;
    private static final String PARTICIPANT = "bfp" + SUFFIX;
    private static final String STAFF = "bfs" + SUFFIX;
    private static final String OTHER = "bfo" + SUFFIX;
    private static final String PLAIN = "bfn" + SUFFIX;
    private static final List<String> CREATED_USERS = new ArrayList<>();
    private static final List<String> CREATED_GROUPS = new ArrayList<>();

    @TempDir
    Path root;

    @BeforeAll
    static void accounts() throws Exception {
        String uid = run(List.of("id", "-u")).trim();
        assertEquals("0", uid, "BeamtimeAccessTest must run as root (the CI does): it creates Unix accounts and "
                + "groups with useradd/groupadd to check file access; run it as root (e.g. in the CI container)");
        group(GROUP_A);
        group(GROUP_B);
        user(PARTICIPANT, GROUP_A);
        user(STAFF, null);
        user(OTHER, GROUP_B);
        user(PLAIN, null);
    }

    @AfterAll
    static void removeAccounts() throws Exception {
        for (String u : CREATED_USERS) {
            run(List.of("userdel", u));
        }
        for (String g : CREATED_GROUPS) {
            run(List.of("groupdel", g));
        }
    }

    private static void group(String name) throws Exception {
        check(List.of("groupadd", name));
        CREATED_GROUPS.add(name);
    }

    private static void user(String name, String group) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("useradd", "-M", "-N", "-g", "nogroup", "-s", "/bin/sh"));
        if (group != null) {
            cmd.addAll(List.of("-G", group));
        }
        cmd.add(name);
        check(cmd);
        CREATED_USERS.add(name);
    }

    @Test
    void shouldLetOnlyTheBeamtimesPeopleReadItsFramesInTheAsap3Layout() throws Exception {
        // the test's directories must be passable by anyone, or every "cannot read" below would prove nothing
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BeamtimeStore store = new BeamtimeStore(root.resolve("store/beamtimes.jsonl"));
        Beamtime a = new Beamtime("11012345", "p11", "PETRA III", "I-20261234", PARTICIPANT, List.of(PARTICIPANT),
                GROUP_A, now.minus(1, ChronoUnit.HOURS).toString(), now.plus(2, ChronoUnit.HOURS).toString(), true,
                "2029-12-31", "");
        Beamtime b = new Beamtime("11012346", "p12", "PETRA III", "I-20261235", OTHER, List.of(OTHER), GROUP_B,
                now.minus(1, ChronoUnit.HOURS).toString(), now.plus(2, ChronoUnit.HOURS).toString(), false, "", "");
        assertEquals(List.of(), store.open(a));
        assertEquals(List.of(), store.open(b));
        Path out = root.resolve("beamline");
        Hdf5SinkSettings settings = new Hdf5SinkSettings(out.toString(), "unused", 3, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()), 8,
                new Hdf5SinkSettings.Beamtimes(store.path().toString(), "p11", List.of(STAFF)));
        Hdf5SinkWriterTest.CountingMetrics metrics = new Hdf5SinkWriterTest.CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings, metrics, List.of());
        List<FrameResult> series = SeriesFixture.series("scan1", 5);
        for (FrameResult r : series.subList(0, series.size() - 1)) {
            w.write(r, null);
        }

        Path bt = out.resolve(Integer.toString(now.atZone(java.time.ZoneOffset.UTC).getYear()))
                .resolve("data").resolve("11012345");
        Path seriesDir = bt.resolve("raw").resolve("scan1");
        Path masterInProgress = SeriesPaths.inProgress(seriesDir.resolve("scan1_master.h5"));
        assertTrue(Files.exists(masterInProgress), "in-progress master in the ASAP3 layout: " + masterInProgress);
        // rights are there before the commit: group, nothing for others, the participant's ACL entry
        assertPrivate(masterInProgress);
        assertPrivate(seriesDir);

        w.write(series.get(series.size() - 1), null);
        for (Hdf5Committable c : w.prepareCommit()) {
            FilePublisher.publish(c);
        }
        w.close();
        Path master = seriesDir.resolve("scan1_master.h5");
        Path data = seriesDir.resolve("scan1_data_000001.h5");
        assertTrue(Files.exists(master) && Files.exists(data), "committed: " + master);
        assertPrivate(data);
        assertEquals(0640, (int) Files.getAttribute(data, "unix:mode") & 07777, "data file mode");
        for (String d : List.of("raw", "processed", "shared", "scratch_cc")) {
            assertTrue(Files.isDirectory(bt.resolve(d)), d);
            assertPrivate(bt.resolve(d));
        }
        assertEquals(02770, (int) Files.getAttribute(bt.resolve("processed"), "unix:mode") & 07777);
        assertEquals(02750, (int) Files.getAttribute(bt.resolve("raw"), "unix:mode") & 07777);
        Path metadata = bt.resolve("beamtime-metadata-11012345.json");
        JsonNode md = new ObjectMapper().readTree(metadata.toFile());
        assertEquals("11012345", md.path("beamtimeId").asText());
        assertEquals("p11", md.path("beamline").asText());
        assertEquals(bt.toString(), md.path("corePath").asText());
        assertEquals(PARTICIPANT, md.path("pi").path("username").asText());
        assertTrue(md.path("onlineAnalysis").isObject());
        assertPrivate(metadata);

        byte[] bytes = Files.readAllBytes(data);
        assertArrayEquals(bytes, readAs(PARTICIPANT, data), "the participant reads the data file");
        assertArrayEquals(bytes, readAs(STAFF, data), "beamline staff read the data file");
        assertEquals(0, readFrameAs(PARTICIPANT, master), "the participant reads a frame with h5py");
        assertNotEquals(0, readFrameAs(OTHER, master), "a member of another beamtime cannot read a frame");
        assertNotEquals(0, readFrameAs(PLAIN, master), "an ordinary account cannot read a frame");
        for (String who : List.of(OTHER, PLAIN)) {
            assertNotEquals(0, exit(who, "cat", data.toString()), who + " reads the data file");
            assertNotEquals(0, exit(who, "cat", metadata.toString()), who + " reads the beamtime metadata");
            assertNotEquals(0, exit(who, "ls", bt.resolve("raw").toString()), who + " lists raw/");
            assertNotEquals(0, exit(who, "touch", bt.resolve("shared/x").toString()), who + " writes to shared/");
        }
        assertEquals(0, exit(PARTICIPANT, "touch", bt.resolve("shared/notes").toString()), "participant writes shared/");
        assertNotEquals(0, exit(PARTICIPANT, "touch", seriesDir.resolve("x").toString()), "raw/ is read-only");
        assertEquals(0, metrics.count("hdf5SeriesRefused"));
    }

    @Test
    void shouldPlaceASeriesInTheBeamtimeOpenAtItsStartNotAtTheTimeTheSinkSeesIt() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BeamtimeStore store = new BeamtimeStore(root.resolve("beamtimes.jsonl"));
        Beamtime past = new Beamtime("11000007", "p11", "PETRA III", "", PARTICIPANT, List.of(PARTICIPANT), GROUP_A,
                now.minus(3, ChronoUnit.HOURS).toString(), now.minus(1, ChronoUnit.HOURS).toString(), false, "", "");
        assertEquals(List.of(), store.open(past));
        store.close("11000007", now.minus(30, ChronoUnit.MINUTES));
        Hdf5SinkSettings settings = new Hdf5SinkSettings(root.resolve("out").toString(), "unused", 3,
                Compression.BSLZ4, 0, Hdf5SinkSettings.Detector.of(new DetectorInfo()), 8,
                new Hdf5SinkSettings.Beamtimes(store.path().toString(), "p11", List.of(STAFF)));
        Hdf5SinkWriterTest.CountingMetrics metrics = new Hdf5SinkWriterTest.CountingMetrics();
        Hdf5SinkWriter w = new Hdf5SinkWriter(settings, metrics, List.of());
        long startedNs = now.minus(2, ChronoUnit.HOURS).getEpochSecond() * 1_000_000_000L;
        for (FrameResult r : SeriesFixture.series("late", 2)) { // the record path caught up after the beamtime
            r.receiveTimeNs = startedNs;
            w.write(r, null);
        }
        for (FrameResult r : SeriesFixture.series("now", 2)) { // started after the beamtime: refused
            r.receiveTimeNs = now.getEpochSecond() * 1_000_000_000L;
            w.write(r, null);
        }
        for (Hdf5Committable c : w.prepareCommit()) {
            FilePublisher.publish(c);
        }
        w.close();
        Path master = root.resolve("out").resolve(Integer.toString(now.minus(2, ChronoUnit.HOURS)
                .atZone(java.time.ZoneOffset.UTC).getYear())).resolve("data/11000007/raw/late/late_master.h5");
        assertTrue(Files.exists(master), master.toString());
        assertPrivate(master);
        assertEquals(1, metrics.count("hdf5SeriesRefused"));
        assertEquals(1, metrics.count("hdf5SeriesFinished"));

        // the beamtime's tree removed under a running sink: prepared again, never created with the umask's rights
        Path bt = master.getParent().getParent().getParent();
        Instant started = Instant.ofEpochSecond(0, startedNs);
        BeamtimePlacement placement = new BeamtimePlacement(settings);
        placement.place("x", started);
        deleteTree(bt);
        BeamtimePlacement.Placement p = placement.place("late2", started);
        assertPrivate(p.paths().seriesDir().getParent());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Group of the beamtime, no bits for others, and an ACL entry for the participant. */
    private static void assertPrivate(Path p) throws Exception {
        assertEquals(GROUP_A, Files.getAttribute(p, "posix:group").toString(), "group of " + p);
        assertEquals(0, (int) Files.getAttribute(p, "unix:mode") & 07, "no access for others on " + p);
        String acl = run(List.of("getfacl", "-p", p.toString()));
        assertTrue(acl.contains("user:" + PARTICIPANT + ":r"), "ACL of " + p + ":\n" + acl);
        assertTrue(acl.contains("user:" + STAFF + ":r"), "ACL of " + p + ":\n" + acl);
        assertFalse(acl.contains("user:" + OTHER), "ACL of " + p + ":\n" + acl);
    }

    private static byte[] readAs(String user, Path file) throws Exception {
        Process p = new ProcessBuilder("runuser", "-u", user, "--", "cat", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), user + " cannot read " + file);
        return out;
    }

    private static int readFrameAs(String user, Path master) throws Exception {
        String script = "import sys, h5py, hdf5plugin\n"
                + "f = h5py.File(sys.argv[1], 'r')\n"
                + "d = f['/entry/data/data']\n"
                + "assert d.shape[0] > 0 and d[0].sum() > 0\n";
        return exit(user, "/usr/bin/python3", "-c", script, master.toString());
    }

    private static int exit(String user, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        c.addAll(List.of(cmd));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", c));
        return p.exitValue();
    }

    private static void check(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
