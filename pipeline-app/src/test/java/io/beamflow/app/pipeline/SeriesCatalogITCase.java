package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.app.catalog.CatalogRecording;
import io.beamflow.app.cli.BeamflowCli;
import io.beamflow.app.control.ControlServer;
import io.beamflow.app.control.SeriesControl;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.archive.catalog.CatalogSeriesFile;
import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.reduce.rules.RuleCompiler;
import io.beamflow.sink.hdf5.SeriesCommitListener;
import io.beamflow.testing.Await;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.SharedMiniCluster;
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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The series catalog through the production job ({@link PipelineRunner#buildJob}): each committed series is
 * recorded with its accounting and its files, whose sizes and ADLER32 agree with the files on disk as Python's
 * zlib computes them; a replayed commit leaves one record; a catalog that cannot be reached is retried and the
 * series recorded once it can be; the control API, {@code beamflow catalog list|show|export|sync} and the
 * SciCat-style export (commercial beamtimes left out unless asked, nothing published, embargo dates) read it.
 */
class SeriesCatalogITCase {
    private static final int W = 32;
    private static final int H = 24;
    private static final String TOKEN = "catalog-test-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path work;

    /** Captures the listener's counters and gauges. */
    static final class Metrics extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters = new ConcurrentHashMap<>();
        final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(name, gauge);
            return gauge;
        }

        long count(String name) {
            Counter c = counters.get(name);
            return c == null ? 0 : c.getCount();
        }
    }

    @Test
    @Timeout(300)
    void shouldRecordEveryCommittedSeriesOnceAndServeItThroughApiCliAndExport() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String group = Files.getAttribute(work, "posix:group").toString();
        String me = System.getProperty("user.name");
        BeamtimeStore store = new BeamtimeStore(work.resolve("beamtimes.jsonl"));
        Beamtime commercial = new Beamtime("11010001", "p11", "PETRA III", "C-77", me, List.of(me), group,
                now.minus(3, ChronoUnit.HOURS).toString(), now.minus(1, ChronoUnit.HOURS).toString(), true, "", "");
        Beamtime academic = new Beamtime("11012345", "p11", "PETRA III", "I-20261234", me, List.of(me), group,
                now.minus(1, ChronoUnit.HOURS).toString(), now.plus(1, ChronoUnit.HOURS).toString(), false, "", "");
        assertEquals(List.of(), store.open(commercial));
        assertEquals(List.of(), store.open(academic));

        Path journalRoot = work.resolve("journal");
        try (SeriesJournal journal = new SeriesJournal(journalRoot.resolve("det"), W, H)) {
            journal.series("early", 5, now.minus(2, ChronoUnit.HOURS).getEpochSecond() * 1_000_000_000L);
            journal.series("scan1", 6, now.getEpochSecond() * 1_000_000_000L);
        }
        String catalogUrl = "jdbc:sqlite:" + work.resolve("catalog/catalog.db");
        BeamflowConfig config = new BeamflowConfig();
        config.ingest.journalDirectory = journalRoot.toString();
        config.reduction.stopAfterSeriesEnd = 2;
        config.reduction.expectedStreams = 1;
        config.reduction.streamDiscoveryIntervalMs = 100;
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        config.sink.outputRoot = work.resolve("gpfs").toString();
        config.sink.beamtimeStore = store.path().toString();
        config.sink.beamline = "p11";
        config.sink.framesPerFile = 4;
        config.control.liveViewEndpoint = "";
        config.archive.catalogUrl = catalogUrl;

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        PipelineRunner.buildJob(env, config);
        env.execute("catalog");

        String year = Integer.toString(now.atZone(ZoneOffset.UTC).getYear());
        Path root = work.resolve("gpfs");
        String key = year + "/data/11012345/raw/scan1";
        Path master = root.resolve(key).resolve("scan1_master.h5");
        Map<String, long[]> onDisk = pythonSizesAndAdler32(root.resolve(key));
        assertEquals(3, onDisk.size(), "6 frames at 4 per file: 2 data files and the master " + onDisk);

        // recorded when the committer closed with the job: the accounting of the master, the files of the disk
        long committedMs;
        try (ArchiveCatalog c = ArchiveCatalog.open(catalogUrl, Clock.systemUTC())) {
            assertEquals(2, c.series(null).size(), "both series");
            CatalogSeries s = c.seriesRecord(key).orElseThrow();
            assertEquals("11012345", s.beamtime());
            assertEquals("scan1", s.seriesId());
            assertEquals("ok", s.status());
            assertEquals(6, s.framesReceived());
            assertEquals(6, s.framesKept());
            assertEquals(0, s.framesVetoed() + s.framesRejected() + s.framesMissing());
            assertEquals(6L, s.ruleVersions().values().stream().mapToLong(Long::longValue).sum(), s.ruleVersions().toString());
            assertTrue(s.detector().startsWith(W + "x" + H), s.detector());
            assertTrue(!s.startTime().isEmpty() && !s.endTime().isEmpty());
            assertFiles(onDisk, c.seriesFiles(key), key);
            assertEquals(onDisk.values().stream().mapToLong(v -> v[0]).sum(), s.sizeBytes());
            CatalogSeries early = c.seriesRecord("early").orElseThrow();
            assertEquals("11010001", early.beamtime(), "the commercial beamtime's series is catalogued too");
            assertEquals(5, early.framesKept());
            committedMs = s.committedMs();
        }

        // a commit replayed after a restart tells the listener again: one record, first commit time kept
        Metrics metrics = new Metrics();
        CatalogRecording recording = CatalogRecording.of(config);
        SeriesCommitListener replay = recording.create(metrics);
        replay.seriesCommitted("scan1", master);
        Await.until("the replayed commit is recorded", () -> metrics.count("catalogSeriesRecorded") == 1);
        replay.seriesCommitted("scan1", master);
        replay.close(); // waits for the recording in flight
        assertEquals(2, metrics.count("catalogSeriesRecorded"));
        assertEquals(0, metrics.count("catalogRecordFailures"));
        try (ArchiveCatalog c = ArchiveCatalog.open(catalogUrl, Clock.systemUTC())) {
            assertEquals(2, c.series(null).size());
            assertEquals(committedMs, c.seriesRecord(key).orElseThrow().committedMs());
            assertFiles(onDisk, c.seriesFiles(key), key);
        }

        // a catalog that cannot be reached: counted, kept pending, retried, recorded once it can be reached
        Path blocker = work.resolve("down");
        Files.writeString(blocker, "a file where the catalog's directory should be");
        String downUrl = "jdbc:sqlite:" + blocker.resolve("catalog.db");
        Metrics down = new Metrics();
        SeriesCommitListener unreachable = new CatalogRecording(downUrl, root.toString(), 500, 30_000).create(down);
        unreachable.seriesCommitted("scan1", master);
        Await.until("a failed catalog write is counted, and its retry", () -> down.count("catalogRecordFailures") >= 2);
        assertEquals(1, ((Number) down.gauges.get("catalogSeriesPending").getValue()).intValue());
        assertEquals(0, down.count("catalogSeriesRecorded"));
        Files.delete(blocker);
        // once back: the pending series, and the one committed before this recorder started that the catalog lacks
        // (as after a process killed while series were pending) are recorded
        Await.until("the pending series and the one the catalog lacked are recorded once the catalog is back",
                () -> down.count("catalogSeriesRecorded") == 2);
        assertEquals(0, ((Number) down.gauges.get("catalogSeriesPending").getValue()).intValue());
        unreachable.close();
        try (ArchiveCatalog c = ArchiveCatalog.open(downUrl, Clock.systemUTC())) {
            assertFiles(onDisk, c.seriesFiles(key), key);
            assertEquals(5, c.seriesRecord("early").map(CatalogSeries::framesKept).orElseThrow(),
                    "a committed series the catalog lacked is recorded when a recorder starts");
        }

        // GET /api/beamtimes/{id}/series: the beamtime's series with files and checksums, behind the access check
        config.control.httpPort = 0;
        config.control.operatorToken = TOKEN;
        config.control.ruleStoreDirectory = work.resolve("store").toString();
        try (ControlServer server = ControlServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new RuleCompiler(), SeriesControl.NONE)) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = server.url().resolve("api/beamtimes/11012345/series");
            assertEquals(401, http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "no token, no series");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            assertEquals(1, body.get("series").size(), r.body());
            JsonNode s = body.get("series").get(0);
            assertEquals("scan1", s.get("seriesId").asText());
            assertEquals(6, s.get("frames").get("kept").asLong());
            assertJsonFiles(onDisk, s.get("files"), key + "/");
            assertEquals(404, http.send(HttpRequest.newBuilder(server.url().resolve("api/beamtimes/99999999/series"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
        }

        // beamflow catalog list | show | export | sync
        Path yaml = work.resolve("beamflow.yaml");
        Files.writeString(yaml, "sink:\n  outputRoot: " + root + "\n  beamtimeStore: " + store.path() + "\n"
                + "archive:\n  catalogUrl: " + catalogUrl + "\n");
        String[] list = cli(0, "catalog", "list", "-c", yaml.toString());
        assertTrue(list[0].contains("scan1") && list[0].contains("early") && list[0].contains("11012345"), list[0]);
        String[] show = cli(0, "catalog", "show", "scan1", "-c", yaml.toString());
        assertJsonFiles(onDisk, JSON.readTree(show[0]).get("files"), key + "/");
        cli(1, "catalog", "show", "nosuchseries", "-c", yaml.toString());

        Path export = work.resolve("export.json");
        cli(0, "catalog", "export", "-c", yaml.toString(), "-o", export.toString());
        JsonNode doc = JSON.readTree(export.toFile());
        assertEquals(1, doc.get("datasets").size(), "the commercial beamtime's series is left out: " + doc);
        assertTrue(doc.get("skipped").get(0).get("reason").asText().contains("commercial"), doc.toString());
        JsonNode d = doc.get("datasets").get(0);
        assertEquals("raw", d.get("type").asText());
        assertEquals("scan1", d.get("datasetName").asText());
        assertEquals(me, d.get("principalInvestigator").asText());
        assertEquals(me, d.get("owner").asText());
        assertEquals(group, d.get("ownerGroup").asText());
        assertEquals("I-20261234", d.get("proposalId").asText());
        assertEquals(root.toAbsolutePath().resolve(key).toString(), d.get("sourceFolder").asText());
        assertEquals(3, d.get("numberOfFiles").asInt());
        assertTrue(!d.get("isPublished").asBoolean() && d.get("isPublished").isBoolean());
        assertEquals(now.plus(1, ChronoUnit.HOURS).atZone(ZoneOffset.UTC).toLocalDate().plusYears(3).toString(),
                d.get("embargoEnd").asText(), "no embargo end given: the beamtime's end + archive.embargoYears");
        JsonNode block = doc.get("origDatablocks").get(0);
        assertEquals(d.get("pid").asText(), block.get("datasetId").asText());
        assertEquals("adler32", block.get("chkAlg").asText());
        Map<String, long[]> exported = new HashMap<>();
        for (JsonNode f : block.get("dataFileList")) {
            exported.put(f.get("path").asText(), new long[] {f.get("size").asLong(), Long.parseLong(f.get("chk").asText(), 16)});
        }
        assertEquals(keysAndValues(onDisk), keysAndValues(exported));

        cli(0, "catalog", "export", "-c", yaml.toString(), "-o", export.toString(), "--include-commercial");
        JsonNode all = JSON.readTree(export.toFile());
        assertEquals(2, all.get("datasets").size(), all.toString());
        JsonNode proprietary = all.get("datasets").get(0).get("datasetName").asText().equals("early")
                ? all.get("datasets").get(0) : all.get("datasets").get(1);
        assertNull(proprietary.get("embargoEnd").textValue(), "commercial data are never released");
        assertEquals("CO=high", proprietary.get("classification").asText());
        assertTrue(!proprietary.get("isPublished").asBoolean());

        String[] sync = cli(0, "catalog", "sync", "-c", yaml.toString(), "--catalog",
                "jdbc:sqlite:" + work.resolve("fresh.db"));
        assertTrue(sync[0].contains("2 series recorded"), sync[0]);
        try (ArchiveCatalog c = ArchiveCatalog.open("jdbc:sqlite:" + work.resolve("fresh.db"), Clock.systemUTC())) {
            assertFiles(onDisk, c.seriesFiles(key), key);
        }
    }

    /** Size and ADLER32 of each file of a directory as Python's zlib computes them (not Beamflow's code). */
    private static Map<String, long[]> pythonSizesAndAdler32(Path dir) {
        String out = DebianPython.run("import os, sys, zlib\n"
                + "d = sys.argv[1]\n"
                + "for n in sorted(os.listdir(d)):\n"
                + "    if n.startswith('.'): continue\n"
                + "    b = open(os.path.join(d, n), 'rb').read()\n"
                + "    print(n, len(b), zlib.adler32(b) & 0xffffffff)\n", 60, dir.toString()).orThrow();
        Map<String, long[]> m = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            m.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return m;
    }

    private static void assertFiles(Map<String, long[]> onDisk, List<CatalogSeriesFile> files, String key) {
        Map<String, long[]> m = new HashMap<>();
        for (CatalogSeriesFile f : files) {
            m.put(f.path().substring(key.length() + 1), new long[] {f.sizeBytes(), Long.parseLong(f.adler32(), 16)});
        }
        assertEquals(keysAndValues(onDisk), keysAndValues(m));
    }

    private static void assertJsonFiles(Map<String, long[]> onDisk, JsonNode files, String prefix) {
        Map<String, long[]> m = new HashMap<>();
        for (JsonNode f : files) {
            m.put(f.get("path").asText().substring(prefix.length()),
                    new long[] {f.get("sizeBytes").asLong(), Long.parseLong(f.get("adler32").asText(), 16)});
        }
        assertEquals(keysAndValues(onDisk), keysAndValues(m));
    }

    private static Map<String, List<Long>> keysAndValues(Map<String, long[]> m) {
        Map<String, List<Long>> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, List.of(v[0], v[1])));
        return out;
    }

    /** Runs {@code beamflow ARGS} in process; returns stdout and stderr after checking the exit code. */
    private static String[] cli(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BeamflowCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        assertEquals(expectedExit, code, String.join(" ", args) + "\nout: " + out + "\nerr: " + err);
        return new String[] {out.toString(), err.toString()};
    }
}
