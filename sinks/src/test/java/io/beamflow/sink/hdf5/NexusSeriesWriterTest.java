package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NexusSeriesWriterTest {
    @TempDir
    Path root;

    Hdf5SinkSettings settings(Compression c) {
        return new Hdf5SinkSettings(root.toString(), "mx-2026", 3, c, 0, Hdf5SinkSettings.Detector.of(new DetectorInfo()));
    }

    static void publishAll(List<Hdf5Committable> cs) throws Exception {
        for (Hdf5Committable c : cs) {
            FilePublisher.publish(c);
        }
    }

    /** Checks everything the h5py reader saw against what the fixture sent for frames 1..n. */
    static void assertSeries(Path master, String series, int n) throws Exception {
        JsonNode j = SeriesFixture.readWithH5py(master);
        List<Long> kept = new ArrayList<>();
        List<Double> peaksX = new ArrayList<>();
        for (long f = 1; f <= n; f++) {
            FrameResult r = SeriesFixture.frame(series, f);
            if (r.decision == Decision.KEEP) {
                kept.add(f);
                assertEquals(SeriesFixture.sha1(SeriesFixture.pixels(f)), j.at("/frames/" + f).asText(), "pixels of frame " + f);
            }
            int i = (int) f - 1;
            assertEquals(f, j.at("/frame_number/" + i).asLong());
            assertEquals(r.decision.name(), j.at("/decision/" + i).asText());
            assertEquals(r.ruleVersion, j.at("/rule_version/" + i).asLong());
            assertEquals(r.decision == Decision.KEEP ? 1 : 0, j.at("/pixels_stored/" + i).asInt());
            assertEquals(r.features.sum, j.at("/sum/" + i).asDouble());
            assertEquals(r.features.peakCount(), j.at("/peak_count/" + i).asInt());
            assertEquals(r.features.roiSums.get("ring"), j.at("/roi_sums/" + i + "/1").asDouble());
            assertEquals(r.features.radialProfile[1], j.at("/radial_profile/" + i + "/1").floatValue());
            for (float x : r.features.peakX) {
                peaksX.add((double) x);
            }
        }
        assertEquals(kept.size(), j.get("frames").size(), "no extra frames: " + j.get("frames").fieldNames());
        assertEquals(n, j.get("frame_number").size());
        assertEquals(peaksX.size(), j.get("peaks_x").size());
        for (int i = 0; i < peaksX.size(); i++) {
            assertEquals(peaksX.get(i), j.at("/peaks_x/" + i).asDouble());
        }
        assertEquals((kept.size() + 2) / 3, j.get("data_files").size());
        assertEquals(kept.size(), j.at("/attrs/frames_stored").asLong());
        assertEquals(n, j.at("/attrs/frames_received").asLong());
        assertEquals(0, j.at("/attrs/frames_missing").asLong());
        assertEquals("NXentry", j.get("nx_class").asText());
        assertEquals("NXmx", j.get("definition").asText());
        assertEquals(0.25, j.get("distance").asDouble());
        assertEquals(0.98, j.get("wavelength").asDouble(), 1e-12, "wavelength sent in metres is stored in angstrom");
        assertEquals(0.3, j.at("/radial_axis/2").asDouble());
        assertEquals("[1,2]", j.get("rule_versions").toString());
    }

    private static void feed(NexusSeriesWriter w, String series, long from, long to) throws Exception {
        for (long f = from; f <= to; f++) {
            w.frame(SeriesFixture.frame(series, f));
        }
    }

    @Test
    void shouldWriteMasterAndRolledDataFilesReadableByH5pyAndH5dump() throws Exception {
        NexusSeriesWriter w = NexusSeriesWriter.start(settings(Compression.DEFLATE), "s1", SeriesFixture.series("s1", 1).get(0).metadataJson);
        feed(w, "s1", 1, 10);
        w.finish(10);
        List<Hdf5Committable> done = w.drainCompleted();
        assertTrue(done.get(done.size() - 1).isMaster(), "master is committed last");
        publishAll(done);
        Path master = root.resolve("mx-2026/s1/s1_master.h5");
        assertSeries(master, "s1", 10);
        try (Stream<Path> files = Files.list(master.getParent())) {
            assertFalse(files.anyMatch(SeriesPaths::isInProgress), "no in-progress files remain");
        }
        String header = SeriesFixture.h5dump("-p", "-H", master.toString());
        assertTrue(header.contains("FILE \"s1_data_000001.h5\"") && header.contains("FILE \"s1_data_000002.h5\""),
                "the virtual dataset maps both data files:\n" + header);
        // libhdf5 reads every dataset of the master (reduction data, metadata) without error
        String all = SeriesFixture.h5dump(master.toString());
        assertTrue(all.contains("\"REDUCED_ONLY\"") && all.contains("\"NXmx\""), all);
        // h5dump reads pixel values of frame 1 (first stored frame) from the first data file
        String px = SeriesFixture.h5dump("-d", "/entry/data/data[0,0,0;;1,1,4]", "-y", "-w", "0",
                root.resolve("mx-2026/s1/s1_data_000001.h5").toString());
        byte[] p1 = SeriesFixture.pixels(1);
        StringBuilder expect = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            expect.append(i == 0 ? "" : ", ").append((p1[2 * i] & 0xff) | (p1[2 * i + 1] & 0xff) << 8);
        }
        assertTrue(px.contains(expect.toString()), "expected " + expect + " in\n" + px);
    }

    @Test
    void shouldWriteBitshuffleLz4FramesReadableByH5pyAndH5dump() throws Exception {
        NexusSeriesWriter w = NexusSeriesWriter.start(settings(Compression.BSLZ4), "bs", "{}");
        feed(w, "bs", 1, 10);
        w.finish(10);
        publishAll(w.drainCompleted());
        Path master = root.resolve("mx-2026/bs/bs_master.h5");
        JsonNode j = SeriesFixture.readWithH5py(master);
        assertEquals("[32008]", j.at("/filters/0").toString());
        for (long f = 1; f <= 10; f++) {
            if (SeriesFixture.decision(f) == Decision.KEEP) {
                assertEquals(SeriesFixture.sha1(SeriesFixture.pixels(f)), j.at("/frames/" + f).asText(), "frame " + f);
            }
        }
        String px = SeriesFixture.h5dump("-d", "/entry/data/data[1,0,0;;1,1,3]", "-y", "-w", "0",
                root.resolve("mx-2026/bs/bs_data_000001.h5").toString());
        byte[] p2 = SeriesFixture.pixels(2);
        String expect = ((p2[0] & 0xff) | (p2[1] & 0xff) << 8) + ", " + ((p2[2] & 0xff) | (p2[3] & 0xff) << 8);
        assertTrue(px.contains(expect), "expected " + expect + " in\n" + px);
        assertTrue(SeriesFixture.h5dump("-p", "-H", master.getParent().resolve("bs_data_000001.h5").toString())
                .contains("32008"));
    }

    @Test
    void shouldWriteChunksEncodedInTheReductionAsTheyAreReadableByH5py() throws Exception {
        io.beamflow.core.config.SinkConfig sink = new io.beamflow.core.config.SinkConfig();
        sink.compression = "bslz4";
        ChunkPrecompression encode = new ChunkPrecompression(sink, false);
        encode.open(null);
        NexusSeriesWriter w = NexusSeriesWriter.start(settings(Compression.BSLZ4), "pre", "{}");
        for (long f = 1; f <= 10; f++) {
            FrameResult r = encode.map(SeriesFixture.frame("pre", f));
            if (r.decision == Decision.KEEP) {
                assertEquals(null, r.pixels, "only the encoded chunk travels on");
                assertEquals("bslz4", r.chunkCodec);
            }
            w.frame(r);
        }
        w.finish(10);
        publishAll(w.drainCompleted());
        Path master = root.resolve("mx-2026/pre/pre_master.h5");
        JsonNode j = SeriesFixture.readWithH5py(master);
        assertEquals("[32008]", j.at("/filters/0").toString());
        int kept = 0;
        for (long f = 1; f <= 10; f++) {
            if (SeriesFixture.decision(f) == Decision.KEEP) {
                kept++;
                assertEquals(SeriesFixture.sha1(SeriesFixture.pixels(f)), j.at("/frames/" + f).asText(), "frame " + f);
            }
        }
        assertEquals(kept, j.at("/attrs/frames_stored").asLong());
    }

    @Test
    void shouldRejectAChunkEncodedWithAnotherCodecThanTheFiles() throws Exception {
        NexusSeriesWriter w = NexusSeriesWriter.start(settings(Compression.DEFLATE), "mixed", "{}");
        FrameResult r = SeriesFixture.frame("mixed", 1);
        r.decision = Decision.KEEP;
        r.chunk = new byte[] {1, 2, 3};
        r.chunkCodec = "bslz4";
        r.pixels = null;
        w.frame(r);
        assertEquals(1, w.framesRejected(), "a chunk the files cannot hold is rejected with a reason, not written");
        w.release();
    }

    @Test
    void shouldResumeFromSnapshotWithoutDuplicatingOrLosingFrames() throws Exception {
        Hdf5SinkSettings st = settings(Compression.DEFLATE);
        NexusSeriesWriter w = NexusSeriesWriter.start(st, "s2", SeriesFixture.series("s2", 1).get(0).metadataJson);
        feed(w, "s2", 1, 4);
        List<Hdf5Committable> before = w.drainCompleted();
        byte[] snap = w.snapshot();
        publishAll(before);
        feed(w, "s2", 5, 9); // written after the checkpoint, then the task dies
        w.drainCompleted(); // finished but never committed: must be rewritten on replay
        NexusSeriesWriter again = NexusSeriesWriter.resume(st, snap);
        feed(again, "s2", 5, 12);
        again.finish(12);
        publishAll(again.drainCompleted());
        assertSeries(root.resolve("mx-2026/s2/s2_master.h5"), "s2", 12);
    }

    @Test
    void shouldKeepCheckpointStateIndependentOfSeriesLength() throws Exception {
        Hdf5SinkSettings st = new Hdf5SinkSettings(root.toString(), "mx-2026", 10, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        NexusSeriesWriter w = NexusSeriesWriter.start(st, "long", "{}");
        feed(w, "long", 1, 200);
        w.drainCompleted(); // as the sink does at every checkpoint
        int early = w.snapshot().length;
        // one more full reduction chunk (4096 rows) later the partial chunks are filled as before
        feed(w, "long", 201, 200 + NexusSeriesWriter.MAX_ROWS_PER_CHUNK);
        w.drainCompleted();
        int late = w.snapshot().length;
        w.abort();
        // 24 MB more pixel data; the state differs only by chunk-index entries and the peaks' partial chunk
        assertTrue(Math.abs(late - early) < 64 * 1024, "state went from " + early + " to " + late + " bytes");
        assertTrue(late < 2_000_000, "state within the documented bound: " + late);
    }
}
