package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.protocol.SimplonProtocolAdapter;
import io.beamflow.testing.Await;
import io.beamflow.testing.DebianPython;
import io.beamflow.testing.SharedMiniCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compressed pass-through end to end: a DECTRIS stream v1 sender (pyzmq) sends bitshuffle+LZ4 frames made by the
 * reference C filter (through h5py/hdf5plugin, with a non-default block size of 1024 elements) into an ingest node
 * and the production job ({@link PipelineRunner#buildJob}). The journal holds the compressed bytes, the data
 * files' chunks are byte for byte the frames sent (h5py {@code read_direct_chunk}), and the pixels read through the
 * NXdata signal are those the sender compressed. A structurally corrupt frame is rejected at ingest with its
 * reason; a frame whose LZ4 content is corrupt passes that check and quarantines its series in the reduction
 * while the job and the other series go on. Run reading the journal locally (frames cross into the reduction as
 * references) and through the node's journal server, and with deflate files, where the frames are decompressed
 * and encoded again (no pass-through) and the pixels are still those sent.
 */
class CompressedPassThroughITCase {
    private static final int W = 256;
    private static final int H = 192;
    private static final int FRAMES = 10;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path work;

    static final String SENDER = """
            import os, sys, io, json, zmq, numpy as np, h5py, hdf5plugin
            endpoint_file, outdir, nframes = sys.argv[1], sys.argv[2], int(sys.argv[3])
            W, H = %d, %d
            def bslz4(a):
                bio = io.BytesIO()
                with h5py.File(bio, 'w') as f:
                    d = f.create_dataset('d', data=a[None], chunks=(1,) + a.shape,
                                         **hdf5plugin.Bitshuffle(nelems=1024, cname='lz4'))
                    return d.id.read_direct_chunk((0, 0, 0))[1]
            ctx = zmq.Context()
            s = ctx.socket(zmq.PUSH)
            s.setsockopt(zmq.LINGER, 20000)
            s.bind('tcp://127.0.0.1:*')
            with open(endpoint_file + '.tmp', 'w') as e:
                e.write(s.getsockopt_string(zmq.LAST_ENDPOINT))
            os.replace(endpoint_file + '.tmp', endpoint_file)
            def header(series, n):
                config = {'description': 'Dectris EIGER2 Si 500K', 'x_pixel_size': 7.5e-5, 'y_pixel_size': 7.5e-5,
                          'x_pixels_in_detector': W, 'y_pixels_in_detector': H, 'detector_distance': 0.125,
                          'wavelength': 0.9537, 'count_time': 0.00099, 'frame_time': 0.001,
                          'nimages': n, 'ntrigger': 1, 'bit_depth_image': 16}
                s.send_multipart([json.dumps({'htype': 'dheader-1.0', 'series': series, 'header_detail': 'basic'}).encode(),
                                  json.dumps(config).encode()])
            def image(series, n, data):
                s.send_multipart([
                    json.dumps({'htype': 'dimage-1.0', 'series': series, 'frame': n, 'hash': ''}).encode(),
                    json.dumps({'htype': 'dimage_d-1.0', 'shape': [W, H], 'type': 'uint16', 'encoding': 'bs16-lz4<',
                                'size': len(data)}).encode(),
                    data,
                    json.dumps({'htype': 'dconfig-1.0', 'start_time': n * 1000000, 'stop_time': n * 1000000 + 990000,
                                'real_time': 990000}).encode()])
            def end(series):
                s.send_multipart([json.dumps({'htype': 'dseries_end-1.0', 'series': series}).encode()])
            rng = np.random.default_rng(11)
            yy, xx = np.mgrid[0:H, 0:W]
            r = np.hypot(xx - W / 2, yy - H / 2)
            header(7, nframes)
            lengths = []
            with open(os.path.join(outdir, 'expected.bin'), 'wb') as raw, open(os.path.join(outdir, 'chunks.bin'), 'wb') as chunks:
                for n in range(nframes):
                    # Poisson background, a diffraction ring, a beam-stop shadow, a few saturated pixels
                    img = rng.poisson(2.0 + 40 * np.exp(-((r - 50 - n) / 3) ** 2)).astype('<u2')
                    img[H // 2 - 6:H // 2 + 6, W // 2 - 6:W // 2 + 6] = 0
                    img[10, 10 + n] = 65535
                    data = bslz4(img)
                    raw.write(img.tobytes())
                    chunks.write(data)
                    lengths.append(len(data))
                    image(7, n, data)
                    if n == 2:
                        image(7, nframes + 5, data[:-5])  # truncated: rejected at ingest
            with open(os.path.join(outdir, 'lengths.json'), 'w') as f:
                json.dump(lengths, f)
            end(7)
            # series 8: frame 1's LZ4 content is garbage inside well-formed block lengths
            header(8, 3)
            for n in range(3):
                img = rng.poisson(3.0, size=(H, W)).astype('<u2')
                data = bytearray(bslz4(img))
                if n == 1:
                    # the first block's LZ4 content all 0xFF: a literal run longer than the block (a corrupt byte
                    # among literals would decode to wrong pixels unnoticed: LZ4 blocks carry no checksum)
                    first = int.from_bytes(data[12:16], 'big')
                    data[16:16 + first] = b'\\xff' * first
                image(8, n, bytes(data))
            end(8)
            s.close()
            ctx.term()
            print('sent', nframes)
            """.formatted(W, H);

    private static String compressionOf(Mode mode) {
        return mode == Mode.DEFLATE_FILES ? "deflate" : "bslz4";
    }

    static final String CHECK = """
            import sys, os, glob, json, subprocess, numpy as np, h5py, hdf5plugin
            master, outdir, n, W, H = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
            passthrough = sys.argv[6] == 'bslz4'
            expected = np.fromfile(os.path.join(outdir, 'expected.bin'), dtype='<u2').reshape(n, H, W)
            lengths = json.load(open(os.path.join(outdir, 'lengths.json')))
            blob = open(os.path.join(outdir, 'chunks.bin'), 'rb').read()
            offs = np.cumsum([0] + lengths)
            f = h5py.File(master, 'r')
            d = f['/entry/data'][f['/entry/data'].attrs['signal']]
            assert d.shape == (n, H, W), d.shape
            pixels = d[:]
            assert np.array_equal(pixels, expected), 'pixels differ from those sent'
            same = 0
            for p in sorted(glob.glob(os.path.join(os.path.dirname(master), '*_data_*.h5'))):
                with h5py.File(p, 'r') as g:
                    ds = g['/entry/data/data']
                    assert ds.chunks == (1, H, W), ds.chunks
                    filters = ds._filters
                    if passthrough:
                        assert '32008' in filters and filters['32008'][2] == 2, filters
                    else:
                        assert 'gzip' in filters or '1' in filters, filters
                    numbers = g['/entry/data/frame_number'][:]
                    for i in range(ds.shape[0]):
                        mask, chunk = ds.id.read_direct_chunk((i, 0, 0))
                        k = int(numbers[i])
                        if chunk == blob[offs[k]:offs[k + 1]]:
                            same += 1
            # libhdf5's own tool with Debian's bitshuffle filter plugin (not hdf5plugin's): a row of the first frame
            first = sorted(glob.glob(os.path.join(os.path.dirname(master), '*_data_*.h5')))[0]
            env = {k: v for k, v in os.environ.items() if k != 'HDF5_PLUGIN_PATH'}
            dump = subprocess.run(['h5dump', '-y', '-w', '0', '-d', '/entry/data/data', '-s', '0,%d,0' % (H // 3),
                                   '-c', '1,1,%d' % W, first], capture_output=True, text=True, env=env, check=True).stdout
            row = [int(v) for v in dump.split('DATA {')[1].split('}')[0].replace(',', ' ').split()]
            with h5py.File(first, 'r') as g:
                k = int(g['/entry/data/frame_number'][0])
            assert row == expected[k, H // 3, :].tolist(), 'h5dump reads other pixels'
            print('identical', same)
            """;

    /** How the job reads and writes. */
    enum Mode {
        /** Local journal, frames cross into the reduction as references; bslz4 files: pass-through. */
        LOCAL,
        /** Through the ingest node's journal server; bslz4 files: pass-through. */
        JOURNAL_SERVER,
        /** Local journal, deflate files: the reduction's pixels are encoded again (no pass-through). */
        DEFLATE_FILES
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    @Timeout(240)
    void shouldWriteTheReceivedBitshuffleChunksUnchangedAndQuarantineASeriesWhoseFrameDoesNotDecompress(Mode mode)
            throws Exception {
        boolean journalServer = mode == Mode.JOURNAL_SERVER;
        Path out = Files.createDirectories(work.resolve("sent"));
        Path endpointFile = work.resolve("detector-endpoint");
        Process py = DebianPython.start(SENDER, endpointFile.toString(), out.toString(), Integer.toString(FRAMES));
        String detector;
        try {
            detector = Await.value("the python sender's endpoint file", () -> Files.exists(endpointFile)
                    ? Files.readString(endpointFile) : null, e -> e != null || !py.isAlive());
        } catch (AssertionError e) {
            py.destroyForcibly();
            throw e;
        }
        if (detector == null) {
            throw new AssertionError("python sender exited: " + new String(py.getInputStream().readAllBytes()));
        }
        IngestConfig ic = new IngestConfig();
        ic.endpoints = List.of(">" + detector);
        ic.protocol = SimplonProtocolAdapter.NAME;
        ic.journalDirectory = work.resolve("journal").toString();
        ic.journalBlockSizeBytes = 16L << 20;
        ic.journalMinFreeBytes = 1L << 20;
        ic.journalServerEndpoint = journalServer ? "tcp://127.0.0.1:*" : "";
        try (IngestNode node = IngestNode.start(ic, new SimpleMeterRegistry())) {
            String stream = node.streamIds().get(0);
            try {
                Await.until(node::formatSummary, () -> {
                    SeriesSummary s = node.summary(stream).series("8");
                    return s != null && s.ended();
                });
                assertTrue(py.waitFor(30, TimeUnit.SECONDS), "python sender finished");
                assertEquals(0, py.exitValue(), new String(py.getInputStream().readAllBytes()));
            } finally {
                py.destroyForcibly();
            }
            StreamSummary sum = node.summary(stream);
            long[] lengths = new ObjectMapper().readValue(out.resolve("lengths.json").toFile(), long[].class);
            long sent = java.util.Arrays.stream(lengths).sum();
            assertEquals(FRAMES, sum.series("7").framesReceived(), node.formatSummary());
            assertEquals(1, sum.rejected(RejectReason.BAD_ENCODING), "the truncated frame: " + node.formatSummary());
            long series8 = sum.bytesJournaled() - sent;
            assertTrue(series8 > 0 && series8 < 3L * W * H, "journal holds compressed bytes: " + node.formatSummary());

            BeamflowConfig config = new BeamflowConfig();
            config.ingest.journalDirectory = ic.journalDirectory;
            if (journalServer) {
                config.ingest.journalDirectory = work.resolve("no-local-journals").toString();
                config.reduction.journalServers = List.of(node.journalServerEndpoint());
            }
            config.reduction.stopAfterSeriesEnd = 2;
            config.reduction.expectedStreams = 1;
            config.reduction.streamDiscoveryIntervalMs = 100;
            config.reduction.rulesDirectory = work.resolve("rules").toString();
            config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
            config.sink.outputRoot = work.resolve("raw").toString();
            config.sink.beamtime = "bt";
            config.sink.framesPerFile = 4;
            config.sink.compression = mode == Mode.DEFLATE_FILES ? "deflate" : "bslz4";
            // the live path (fresh frames, reduced apart, decompressed for their images) runs beside the record path
            config.control.liveViewEndpoint = mode == Mode.LOCAL ? "tcp://127.0.0.1:*" : "";
            Configuration conf = new Configuration();
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure fails the test
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(2);
            env.enableCheckpointing(200);
            PipelineRunner.buildJob(env, config);
            env.execute("pass-through");
        }
        Path master = work.resolve("raw/bt/7/7_master.h5");
        io.beamflow.sink.hdf5.SeriesSummary s = io.beamflow.sink.hdf5.SeriesSummary.read(master);
        assertEquals("ok", s.status(), s.format());
        assertEquals(FRAMES, s.framesStored(), s.format());
        assertEquals(3, s.dataFiles().size(), s.format());
        String check = DebianPython.run(CHECK, 120, master.toString(), out.toString(), Integer.toString(FRAMES),
                Integer.toString(W), Integer.toString(H), compressionOf(mode)).orThrow();
        assertEquals("identical " + (mode == Mode.DEFLATE_FILES ? 0 : FRAMES), check.strip(),
                "data file chunks byte for byte the frames sent (pass-through), none when encoded again");

        io.beamflow.sink.hdf5.SeriesSummary bad = io.beamflow.sink.hdf5.SeriesSummary.read(
                work.resolve("raw/bt/8/8_master.h5"));
        assertEquals("failed", bad.status(), bad.format());
        assertTrue(bad.failureReason().contains("frame 1") && bad.failureReason().contains("LZ4"), bad.format());
        assertEquals(3, bad.framesReceived(), "every frame accounted for: " + bad.format());
    }
}
