package io.beamflow.ingest.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.testing.Await;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.DebianPython;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DECTRIS stream v1 sender written with pyzmq (libzmq) binds PUSH like a real detector; the node
 * connects. Frames use raw, LZ4 and bitshuffle+LZ4 encodings, the latter produced by the reference
 * HDF5 filter through h5py; the journal must hold the pixels bit-exact (bitshuffle+LZ4 frames as received).
 */
class SimplonPyzmqInteropTest {
    @TempDir
    Path tmp;

    static final String SENDER = """
            import os, sys, json, zmq, numpy as np, lz4.block, h5py, hdf5plugin, io
            endpoint_file, out, nframes = sys.argv[1], sys.argv[2], int(sys.argv[3])
            W, H = 320, 240
            def bslz4(a):
                bio = io.BytesIO()
                with h5py.File(bio, 'w') as f:
                    d = f.create_dataset('d', data=a[None], chunks=(1,) + a.shape, **hdf5plugin.Bitshuffle(nelems=0, lz4=True))
                    return d.id.read_direct_chunk((0, 0, 0))[1]
            ctx = zmq.Context()
            s = ctx.socket(zmq.PUSH)
            s.setsockopt(zmq.LINGER, 20000)
            s.bind('tcp://127.0.0.1:*')
            # the port the system chose, written whole (rename) for the test to connect the node to
            with open(endpoint_file + '.tmp', 'w') as e:
                e.write(s.getsockopt_string(zmq.LAST_ENDPOINT))
            os.replace(endpoint_file + '.tmp', endpoint_file)
            config = {'description': 'Dectris EIGER2 Si 500K', 'x_pixel_size': 7.5e-5, 'y_pixel_size': 7.5e-5,
                      'x_pixels_in_detector': W, 'y_pixels_in_detector': H, 'beam_center_x': 160.5, 'beam_center_y': 119.0,
                      'detector_distance': 0.125, 'wavelength': 0.9537, 'count_time': 0.00099, 'frame_time': 0.001,
                      'nimages': nframes, 'ntrigger': 1, 'bit_depth_image': 16}
            s.send_multipart([json.dumps({'htype': 'dheader-1.0', 'series': 7, 'header_detail': 'basic'}).encode(),
                              json.dumps(config).encode()])
            rng = np.random.default_rng(5)
            encodings = ['<', 'lz4<', 'bs16-lz4<']
            with open(out, 'wb') as f:
                for n in range(nframes):
                    img = rng.poisson(3.0, size=(H, W)).astype('<u2')
                    img[100:110, 200:210] = 60000
                    enc = encodings[n % 3]
                    raw = img.tobytes()
                    data = raw if enc == '<' else (lz4.block.compress(raw, store_size=False) if enc == 'lz4<' else bslz4(img))
                    f.write(raw)
                    s.send_multipart([
                        json.dumps({'htype': 'dimage-1.0', 'series': 7, 'frame': n, 'hash': ''}).encode(),
                        json.dumps({'htype': 'dimage_d-1.0', 'shape': [W, H], 'type': 'uint16', 'encoding': enc, 'size': len(data)}).encode(),
                        data,
                        json.dumps({'htype': 'dconfig-1.0', 'start_time': n * 1000000, 'stop_time': n * 1000000 + 990000, 'real_time': 990000}).encode()])
                # malformed messages a buggy DAQ might send: the node must reject and carry on
                s.send_multipart([b'{"htype": "dimage-1.0", "series": 7', b'x'])
                s.send_multipart([json.dumps({'htype': 'dimage-1.0', 'series': 7, 'frame': nframes}).encode(),
                                  json.dumps({'htype': 'dimage_d-1.0', 'shape': [W, H], 'type': 'uint16', 'encoding': 'lz4<'}).encode(),
                                  b'\\xff' * 100, b'{}'])
                s.send_multipart([json.dumps({'htype': 'dimage-1.0', 'series': 7, 'frame': nframes}).encode(),
                                  json.dumps({'htype': 'dimage_d-1.0', 'shape': [W, H], 'type': 'complex64', 'encoding': '<'}).encode(),
                                  b'\\0' * 16, b'{}'])
                s.send_multipart([json.dumps({'htype': 'dimage-1.0', 'series': 7, 'frame': nframes}).encode(), b'{}'])
            s.send_multipart([json.dumps({'htype': 'dseries_end-1.0', 'series': 7}).encode()])
            s.close()
            ctx.term()
            print('sent', nframes)
            """;

    @Test
    void shouldJournalDectrisStreamFromPyzmqBitExactForRawLz4AndBitshuffleLz4() throws Exception {
        int frames = 9;
        Path endpointFile = tmp.resolve("detector-endpoint");
        Path expectedFile = tmp.resolve("expected.bin");
        // The detector (pyzmq) binds a port the system chooses and writes it to a file; PUSH holds its
        // messages until the node connects.
        Process py = DebianPython.start(SENDER, endpointFile.toString(), expectedFile.toString(),
                Integer.toString(frames));
        String detector;
        try {
            detector = Await.value("the python sender's endpoint file " + endpointFile,
                    () -> Files.exists(endpointFile) ? Files.readString(endpointFile) : null,
                    e -> e != null || !py.isAlive());
        } catch (AssertionError e) {
            py.destroyForcibly();
            throw e;
        }
        if (detector == null) {
            py.destroyForcibly();
            throw new AssertionError("python sender exited: " + new String(py.getInputStream().readAllBytes()));
        }
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(">" + detector);
        c.protocol = SimplonProtocolAdapter.NAME;
        c.journalDirectory = tmp.resolve("journal").toString();
        c.journalBlockSizeBytes = 16L << 20;
        c.journalMinFreeBytes = 1L << 20;
        try (IngestNode node = IngestNode.start(c, new SimpleMeterRegistry())) {
            String stream = node.streamIds().get(0);
            try {
                Await.until(() -> node.formatSummary(), () -> {
                    SeriesSummary s = node.summary(stream).series("7");
                    return s != null && s.ended();
                });
                assertTrue(py.waitFor(30, TimeUnit.SECONDS), "python sender finished");
                String out = new String(py.getInputStream().readAllBytes());
                assertEquals(0, py.exitValue(), out);
            } finally {
                py.destroyForcibly();
            }
            StreamSummary sum = node.summary(stream);
            assertEquals(frames, sum.series("7").framesReceived(), node.formatSummary());
            assertEquals(frames, sum.series("7").reportedFrames());
            assertEquals(1, sum.rejected(RejectReason.BAD_JSON), node.formatSummary());
            assertEquals(1, sum.rejected(RejectReason.BAD_ENCODING), node.formatSummary());
            assertEquals(1, sum.rejected(RejectReason.UNKNOWN_PIXEL_TYPE), node.formatSummary());
            assertEquals(1, sum.rejected(RejectReason.WRONG_PART_COUNT), node.formatSummary());

            List<Rec> all = JournalRecords.readAll(node.journalDirectory(stream));
            Rec start = all.get(0);
            assertEquals(MessageType.SERIES_START, start.type());
            assertEquals("7", start.seriesId());
            JsonNode meta = new ObjectMapper().readTree(start.body());
            assertEquals("Dectris EIGER2 Si 500K", meta.get("detector_description").asText());
            assertEquals(0.125, meta.get("detector_distance").asDouble());
            assertEquals(160.5, meta.get("beam_center_x").asDouble());
            assertEquals(0.9537, meta.get("wavelength").asDouble());
            assertEquals(7.5e-5, meta.get("x_pixel_size").asDouble());
            assertEquals(0.00099, meta.get("count_time").asDouble());
            byte[] expected = Files.readAllBytes(expectedFile);
            int frameBytes = 320 * 240 * 2;
            List<Rec> recs = JournalRecords.frames(all);
            assertEquals(frames, recs.size());
            for (Rec r : recs) {
                assertEquals(320, r.width());
                assertEquals(240, r.height());
                assertEquals(PixelType.UINT16.code(), r.pixelType());
                byte[] want = new byte[frameBytes];
                System.arraycopy(expected, (int) r.frameNumber() * frameBytes, want, 0, frameBytes);
                assertArrayEquals(want, r.pixels(), "frame " + r.frameNumber());
                // bitshuffle+LZ4 frames stay compressed in the journal, the others hold pixels
                assertEquals(r.frameNumber() % 3 == 2 ? PayloadCodec.BSLZ4 : PayloadCodec.RAW, r.codec());
            }
            assertEquals(MessageType.SERIES_END, all.get(all.size() - 1).type());
            assertEquals(frames, all.get(all.size() - 1).payloadLength());
        }
    }
}
