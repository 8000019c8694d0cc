package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.protocol.Stream2ProtocolAdapter;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DECTRIS stream v2 sender written with pyzmq and cbor2 (as Jungfraujoch and DECTRIS detectors send: CBOR
 * under tag 55799, tag-40 arrays of RFC 8746 typed arrays, DECTRIS compression tag 56500) feeds an ingest node
 * ({@code protocol: dectris-stream-v2}); the production job writes the files. Two series: uint16 with two
 * thresholds (raw, bslz4 and lz4 images), uint32 with one (raw and bslz4); bad messages in between (truncated
 * CBOR, an unknown tag, a size mismatch, huge declared dimensions) are rejected with their reasons while the
 * next series still gets through. h5py reads every frame back bit-exact through the masters' NXdata signal,
 * and the start message's fields from the masters, with each threshold's pixel mask (one sent bslz4) and flat
 * field and the count-rate table as sent.
 */
class Stream2EndToEndITCase {
    private static final int W = 64;
    private static final int H = 48;

    static final String SENDER = """
            import os, sys, struct, zmq, cbor2, numpy as np, bitshuffle, lz4.block
            from cbor2 import CBORTag
            endpoint_file, outdir = sys.argv[1], sys.argv[2]
            W, H = 64, 48
            TYPED = {'uint8': 64, 'uint16': 69, 'uint32': 70, 'float32': 85}
            def md(a, enc):
                if enc == 'raw':
                    content = a.tobytes()
                elif enc == 'bslz4':
                    # the bitshuffle HDF5 filter framing: total bytes (8, BE), block bytes (4, BE), blocks
                    body = bytes(bitshuffle.compress_lz4(a.ravel(), 1024))
                    content = CBORTag(56500, ['bslz4', a.itemsize, struct.pack('>QI', a.nbytes, 1024 * a.itemsize) + body])
                else:
                    c = lz4.block.compress(a.tobytes(), store_size=False)
                    content = CBORTag(56500, ['lz4', 0, struct.pack('>QII', a.nbytes, a.nbytes, len(c)) + c])
                return CBORTag(40, [list(a.shape), CBORTag(TYPED[str(a.dtype)], content)])
            ctx = zmq.Context()
            s = ctx.socket(zmq.PUSH)
            s.setsockopt(zmq.LINGER, 20000)
            s.bind('tcp://127.0.0.1:*')
            with open(endpoint_file + '.tmp', 'w') as e:
                e.write(s.getsockopt_string(zmq.LAST_ENDPOINT))
            os.replace(endpoint_file + '.tmp', endpoint_file)
            def send(msg):
                s.send(cbor2.dumps(CBORTag(55799, msg)))
            rng = np.random.default_rng(11)
            def series(sid, dtype, channels, n, encodings):
                masks, flats = {}, {}
                for k, c in enumerate(channels):
                    m = np.zeros((H, W), '<u4')
                    m[:, 30:32] = 1          # a gap between chips
                    m[3 + k, 9] = 2          # a dead pixel, per threshold
                    m[40, 50] = 16           # noisy
                    masks[c] = m
                    flats[c] = (1.0 + rng.random((H, W)) * 0.1).astype('<f4')
                    np.save(os.path.join(outdir, ('%d' % sid if k == 0 else '%d_%s' % (sid, c)) + '_mask.npy'), m)
                    np.save(os.path.join(outdir, ('%d' % sid if k == 0 else '%d_%s' % (sid, c)) + '_flat.npy'), flats[c])
                mask = {c: md(masks[c], 'bslz4' if k == 1 else 'raw') for k, c in enumerate(channels)}
                send({'type': 'start', 'series_id': sid, 'series_unique_id': 'uid-%d' % sid, 'arm_date': '2026-11-26T02:00:00Z',
                      'channels': channels, 'image_size_x': W, 'image_size_y': H, 'number_of_images': n,
                      'pixel_size_x': 7.5e-5, 'pixel_size_y': 7.5e-5, 'beam_center_x': 31.5, 'beam_center_y': 22.0,
                      'detector_distance': 0.155, 'incident_wavelength': 0.9537, 'incident_energy': 13000.0,
                      'count_time': 0.00099, 'frame_time': 0.001, 'sensor_material': 'Si', 'sensor_thickness': 4.5e-4,
                      'saturation_value': 65000, 'detector_description': 'Dectris EIGER2 Si 500K',
                      'detector_serial_number': 'E-32-0123', 'goniometer': {'omega': {'start': 12.5, 'increment': 0.25}},
                      'threshold_energy': {c: 6000.0 + 3000.0 * i for i, c in enumerate(channels)},
                      'pixel_mask': mask, 'flatfield': {c: md(flats[c], 'raw') for c in channels},
                      'countrate_correction_lookup_table': CBORTag(70, np.arange(100, dtype='<u4').tobytes()),
                      'user_data': {'sample': 'lysozyme', 'shots': 3}})
                expected = {c: [] for c in channels}
                for i in range(n):
                    data = {}
                    for c in channels:
                        img = rng.poisson(4.0, size=(H, W)).astype(dtype)
                        img[5, 7] = 60000
                        expected[c].append(img)
                        data[c] = md(img, encodings[i % len(encodings)])
                    send({'type': 'image', 'series_id': sid, 'series_unique_id': 'uid-%d' % sid, 'image_id': i,
                          'start_time': [i, 1000], 'stop_time': [i * 1000 + 990, 1000000], 'real_time': [990, 1000000],
                          'data': data})
                send({'type': 'end', 'series_id': sid, 'series_unique_id': 'uid-%d' % sid})
                for k, c in enumerate(channels):
                    np.save(os.path.join(outdir, ('%d' % sid if k == 0 else '%d_%s' % (sid, c)) + '.npy'), np.stack(expected[c]))
            series(21, '<u2', ['threshold_1', 'threshold_2'], 6, ['raw', 'bslz4', 'lz4'])
            good = cbor2.dumps(CBORTag(55799, {'type': 'image', 'series_id': 99, 'image_id': 0,
                                               'data': {'threshold_1': md(np.zeros((H, W), '<u2'), 'raw')}}))
            s.send(good[:-50])                                                                   # truncated
            s.send(cbor2.dumps(CBORTag(55799, {'type': 'image', 'series_id': 99, 'image_id': 0,
                                               'data': {'threshold_1': CBORTag(4242, b'xx')}})))  # unknown tag
            s.send(cbor2.dumps(CBORTag(55799, {'type': 'image', 'series_id': 99, 'image_id': 0,
                                               'data': {'threshold_1': CBORTag(40, [[H, W], CBORTag(69, b'\\0' * 100)])}})))  # size
            s.send(cbor2.dumps(CBORTag(55799, {'type': 'image', 'series_id': 99, 'image_id': 0,
                                               'data': {'threshold_1': CBORTag(40, [[2**40, 2**40], CBORTag(69, b'\\0' * 8)])}})))  # huge
            series(22, '<u4', ['threshold_1'], 5, ['bslz4', 'raw'])
            s.close()
            ctx.term()
            print('sent')
            """;

    static final String CHECK = """
            import sys, os, json, h5py, numpy as np
            raw, expected = sys.argv[1], sys.argv[2]
            out = []
            for sid in ['21', '21_threshold_2', '22']:
                f = h5py.File(os.path.join(raw, sid, sid + '_master.h5'), 'r')
                d = f['/entry/data'][f['/entry/data'].attrs['signal']][()]
                want = np.load(os.path.join(expected, sid + '.npy'))
                same = d.shape == want.shape and d.dtype == want.dtype and np.array_equal(d, want)
                det = f['/entry/instrument/detector']
                meta = json.loads(f['/entry/metadata_json'][()])
                out.append('%s frames=%d dtype=%s bitexact=%s' % (sid, d.shape[0], d.dtype, same))
                out.append('%s sensor=%s distance=%.3f wavelength=%.4f omega=%.2f/%.2f nimages=%d' % (sid,
                    det['sensor_material'][()].decode(), det['distance'][()],
                    f['/entry/instrument/beam/incident_wavelength'][()],
                    f['/entry/sample/transformations/omega'][0], meta['omega_increment'],
                    det['detectorSpecific/nimages'][()]))
                mask, flat = np.load(os.path.join(expected, sid + '_mask.npy')), np.load(os.path.join(expected, sid + '_flat.npy'))
                out.append('%s pixel_mask=%s detectorSpecific=%s flatfield=%s countrate=%s' % (sid,
                    np.array_equal(det['pixel_mask'][()], mask) and det['pixel_mask'].dtype == np.uint32,
                    np.array_equal(det['detectorSpecific/pixel_mask'][()], mask),
                    np.array_equal(det['flatfield'][()], flat) and det['flatfield'].dtype == np.float32,
                    np.array_equal(det['countrate_correction_lookup_table'][()], np.arange(100, dtype='<u4'))))
                out.append('%s uid=%s threshold=%.0f user=%s channel=%s mask=%s' % (sid, meta['series_unique_id'],
                    meta['threshold_energy'], meta['user_data']['sample'], meta.get('channel'),
                    meta['stream2_start']['pixel_mask'][meta.get('channel')]['shape']))
            print('\\n'.join(out))
            """;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = SharedMiniCluster.extension();

    @TempDir
    Path work;

    @Test
    @Timeout(300)
    void shouldWriteStreamV2SeriesFromPyzmqCbor2SenderBitExactWithStartFieldsInTheMaster() throws Exception {
        Path endpointFile = work.resolve("detector-endpoint");
        Path expected = Files.createDirectories(work.resolve("expected"));
        Process py = DebianPython.start(SENDER, endpointFile.toString(), expected.toString());
        Path journalRoot = work.resolve("journal");
        try {
            String detector = Await.value("the python sender's endpoint file",
                    () -> Files.exists(endpointFile) ? Files.readString(endpointFile) : null,
                    e -> e != null || !py.isAlive());
            if (detector == null) {
                throw new AssertionError("python sender exited: " + new String(py.getInputStream().readAllBytes()));
            }
            IngestConfig c = new IngestConfig();
            c.endpoints = List.of(">" + detector);
            c.protocol = Stream2ProtocolAdapter.NAME;
            c.journalDirectory = journalRoot.toString();
            c.journalBlockSizeBytes = 16L << 20;
            c.journalMinFreeBytes = 1L << 20;
            try (IngestNode node = IngestNode.start(c, new SimpleMeterRegistry())) {
                String stream = node.streamIds().get(0);
                Await.until(node::formatSummary, () -> {
                    SeriesSummary s = node.summary(stream).series("22");
                    return s != null && s.ended();
                });
                assertTrue(py.waitFor(60, TimeUnit.SECONDS), "python sender finished");
                assertEquals(0, py.exitValue(), new String(py.getInputStream().readAllBytes()));
                StreamSummary sum = node.summary(stream);
                assertEquals(6, sum.series("21").framesReceived(), node.formatSummary());
                assertEquals(6, sum.series("21_threshold_2").framesReceived(), node.formatSummary());
                assertEquals(5, sum.series("22").framesReceived(), node.formatSummary());
                assertEquals(1, sum.rejected(RejectReason.BAD_CBOR), node.formatSummary());
                assertEquals(1, sum.rejected(RejectReason.UNKNOWN_CBOR_TAG), node.formatSummary());
                assertEquals(1, sum.rejected(RejectReason.PAYLOAD_LENGTH_MISMATCH), node.formatSummary());
                assertEquals(1, sum.rejected(RejectReason.BAD_SHAPE), node.formatSummary());
                assertEquals(4, sum.rejectedTotal(), node.formatSummary());
            }
        } finally {
            py.destroyForcibly();
        }

        BeamflowConfig config = new BeamflowConfig();
        config.ingest.journalDirectory = journalRoot.toString();
        config.reduction.stopAfterSeriesEnd = 3;
        config.reduction.expectedStreams = 1;
        config.reduction.streamDiscoveryIntervalMs = 100;
        config.reduction.rulesDirectory = work.resolve("rules").toString();
        config.reduction.checkpointDirectory = work.resolve("checkpoints").toString();
        config.sink.outputRoot = work.resolve("raw").toString();
        config.sink.beamtime = "bt";
        config.sink.framesPerFile = 4; // several data files per series: the masters' virtual datasets span them
        config.control.liveViewEndpoint = "";
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        PipelineRunner.buildJob(env, config);
        env.execute("stream-v2");

        String out = DebianPython.run(CHECK, 120, work.resolve("raw/bt").toString(), expected.toString()).orThrow();
        String want = String.join("\n",
                "21 frames=6 dtype=uint16 bitexact=True",
                "21 sensor=Si distance=0.155 wavelength=0.9537 omega=12.50/0.25 nimages=6",
                "21 pixel_mask=True detectorSpecific=True flatfield=True countrate=True",
                "21 uid=uid-21 threshold=6000 user=lysozyme channel=threshold_1 mask=[48, 64]",
                "21_threshold_2 frames=6 dtype=uint16 bitexact=True",
                "21_threshold_2 sensor=Si distance=0.155 wavelength=0.9537 omega=12.50/0.25 nimages=6",
                "21_threshold_2 pixel_mask=True detectorSpecific=True flatfield=True countrate=True",
                "21_threshold_2 uid=uid-21 threshold=9000 user=lysozyme channel=threshold_2 mask=[48, 64]",
                "22 frames=5 dtype=uint32 bitexact=True",
                "22 sensor=Si distance=0.155 wavelength=0.9537 omega=12.50/0.25 nimages=5",
                "22 pixel_mask=True detectorSpecific=True flatfield=True countrate=True",
                "22 uid=uid-22 threshold=6000 user=lysozyme channel=threshold_1 mask=[48, 64]");
        assertEquals(want, out.strip());
        // beamflow inspect shows the sender's mask with the geometry
        String inspect = io.beamflow.sink.hdf5.SeriesSummary.read(work.resolve("raw/bt/21/21_master.h5")).format();
        assertTrue(inspect.contains("pixel mask 98 pixels masked: gap 96, dead 1, under-responding 0, "
                + "over-responding 0, noisy 1, other bits 0"), inspect);
        assertTrue(inspect.contains("frames       6 received, 6 announced, 0 missing"), inspect);
    }
}
