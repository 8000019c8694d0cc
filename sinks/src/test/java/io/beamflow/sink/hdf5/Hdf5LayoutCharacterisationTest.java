package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.config.DetectorInfo;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes the sink writes (a characterisation test, recorded before {@code Hdf5FileWriter} and
 * {@code NexusSeriesWriter} were split into their parts): a file using every feature of {@link Hdf5FileWriter}
 * (groups, attributes of each kind, contiguous, fill-value, chunked datasets with each filter and a two-level chunk
 * index, chunks encoded by the caller, external and virtual links, a snapshot and resume in the middle), and whole
 * series through {@link NexusSeriesWriter} (master and data files; a long one whose reduction chunks fill up while
 * frames arrive). A change that alters these bytes on purpose checks its files with the readers' tests
 * ({@code NxmxReadersTest}: h5py, fabio, h5dump, the C reader) and records the new digests here, saying why.
 */
class Hdf5LayoutCharacterisationTest {
    @TempDir
    Path dir;

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static byte[] rows(int n, int bytesPerRow, int seed) {
        byte[] b = new byte[n * bytesPerRow];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : i % 7);
        }
        return b;
    }

    private static byte[] le8(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    @Test
    void shouldWriteEveryFeatureOfTheFileWriterAsBefore() throws Exception {
        Path file = dir.resolve("features.h5");
        Hdf5FileWriter w = Hdf5FileWriter.create(file);
        w.group("/entry/instrument/detector");
        w.dataset("/entry/instrument/detector/module_shape", H5Type.INT32, new long[] {2},
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(48).putInt(64).array());
        w.externalLink("/entry/linked", "other_data_000001.h5", "/entry/data/data");
        ChunkedDataset frames = w.chunkedDataset("/entry/data/frames", H5Type.UINT16, new long[] {6, 5}, 1,
                Compression.BSLZ4);
        ChunkedDataset numbers = w.chunkedDataset("/entry/data/numbers", H5Type.INT64, new long[0], 7,
                Compression.DEFLATE);
        ChunkedDataset profile = w.chunkedDataset("/entry/data/profile", H5Type.FLOAT32, new long[] {3}, 4,
                Compression.NONE);
        ChunkedDataset encoded = w.chunkedDataset("/entry/data/encoded", H5Type.UINT16, new long[] {6, 5}, 1,
                Compression.BSLZ4);
        ChunkEncoder enc = Compression.BSLZ4.newEncoder();
        byte[] buf = new byte[enc.maxEncodedLength(60, 2)];
        for (int i = 0; i < 140; i++) { // 140 one-row chunks: a chunk index of two levels (64 per node)
            if (i == 70) {
                byte[] snap = w.snapshot();
                w.release();
                w = Hdf5FileWriter.resume(snap);
                frames = w.chunked("/entry/data/frames");
                numbers = w.chunked("/entry/data/numbers");
                profile = w.chunked("/entry/data/profile");
                encoded = w.chunked("/entry/data/encoded");
            }
            w.appendRows(frames, rows(1, 60, i), 0, 1);
            w.appendRows(numbers, le8(i), 0, 1);
            w.appendRows(profile, rows(1, 12, 1000 + i), 0, 1);
            if (i % 10 == 0) {
                byte[] raw = rows(1, 60, 2000 + i);
                int n = enc.encode(raw, 0, raw.length, 2, buf);
                w.appendEncodedChunk(encoded, buf, 0, n);
            }
        }
        w.appendRows(numbers, le8(1000, 1001, 1002), 0, 3);
        // scalars (attributes, datasets) are added after the last snapshot, as the sink does
        w.attribute("/entry", "NX_class", "NXentry");
        w.attribute("/", "creator", "characterisation");
        w.attribute("/entry", "count", 42L);
        w.attribute("/entry", "ratio", 4.81);
        w.attribute("/entry/instrument", "vector", H5Type.FLOAT64, new long[] {3},
                ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(-1).putDouble(0).putDouble(0.5).array());
        w.dataset("/entry/empty", H5Type.INT64, new long[] {0}, new byte[0]);
        w.zeroDataset("/entry/instrument/detector/pixel_mask", H5Type.UINT32, new long[] {4, 5});
        w.stringDataset("/entry/definition", "NXmx");
        w.scalarDataset("/entry/instrument/detector/distance", 0.25, "m");
        w.externalLink("/entry/" + "l".repeat(300), "other.h5", "/x");
        w.attribute("/entry/data/frames", "units", "counts");
        w.virtualDataset("/entry/data/data", H5Type.UINT16, new long[] {6, 5},
                List.of(new VirtualSource("a_data_000001.h5", "/entry/data/data", 3),
                        new VirtualSource("a_data_000002.h5", "/entry/data/data", 2)));
        w.close();
        SeriesFixture.h5dump("-p", "-H", file.toString()); // a valid file, for libhdf5
        assertEquals("f0f6a496", sha256(file).substring(0, 8), "bytes of a file using every writer feature");
    }

    private Map<String, String> series(String id, String meta, int frames, boolean pixels, int resumeAt,
                                       int framesPerFile) throws Exception {
        Hdf5SinkSettings settings = new Hdf5SinkSettings(dir.toString(), "bt", framesPerFile, Compression.BSLZ4, 0,
                Hdf5SinkSettings.Detector.of(new DetectorInfo()));
        NexusSeriesWriter w = NexusSeriesWriter.start(settings, id, meta);
        for (long f = 1; f <= frames; f++) {
            if (f == resumeAt) {
                byte[] snap = w.snapshot();
                w.release();
                w = NexusSeriesWriter.resume(settings, snap);
            }
            FrameResult r = SeriesFixture.frame(id, f);
            if (!pixels) {
                r.pixels = null;
                r.decision = Decision.REDUCED_ONLY;
            }
            r.receiveTimeNs = 1_800_000_000_000_000_000L + f;
            w.frame(r);
        }
        w.finish(frames + 2);
        List<Path> files = new ArrayList<>();
        for (Hdf5Committable c : w.drainCompleted()) {
            FilePublisher.publish(c);
            files.add(Path.of(c.finalPath()));
        }
        Map<String, String> digests = new LinkedHashMap<>();
        for (Path p : files) {
            digests.put(p.getFileName().toString(), sha256(p).substring(0, 8));
        }
        return digests;
    }

    private static Map<String, String> dataFiles(Map<String, String> digests) {
        Map<String, String> out = new LinkedHashMap<>(digests);
        out.keySet().removeIf(name -> name.endsWith("_master.h5"));
        return out;
    }

    @Test
    void shouldWriteASeriesMasterAndDataFilesAsBefore() throws Exception {
        Map<String, String> d = series("nx", NxmxReadersTest.META, 20, true, 9, 3);
        assertEquals(Map.of("nx_data_000001.h5", "22aac0ea", "nx_data_000002.h5", "19e233e5",
                "nx_data_000003.h5", "8a40c079", "nx_data_000004.h5", "ef0987a7"), dataFiles(d));
        assertEquals("d3df8fc0", d.get("nx_master.h5"), "master");
    }

    @Test
    void shouldWriteALongSeriesReductionTableAsBefore() throws Exception {
        // more frames than rows per reduction chunk: chunks are written while frames arrive, in the table's order
        Map<String, String> d = series("long", "{\"radial_axis\": [0.1, 0.2, 0.3]}",
                NexusSeriesWriter.MAX_ROWS_PER_CHUNK + 300, false, 2000, 100);
        assertEquals(Map.of("long_master.h5", "2b35b0dd"), d);
    }
}
