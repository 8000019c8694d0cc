package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.testing.Await;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.testing.DebianPython;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.beamflow.core.metrics.MetricNames;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LiveViewPublisherTest {

    static FrameResult result(SimulatedFrame f, int w, int h, Decision d) {
        FrameResult r = new FrameResult();
        r.seriesId = "s1";
        r.frameNumber = f.frameNumber();
        r.width = w;
        r.height = h;
        r.pixelType = PixelType.UINT16;
        r.pixels = FrameSynthesizer.toLittleEndianBytes(f);
        r.receiveTimeNs = System.currentTimeMillis() * 1_000_000L;
        r.decision = d;
        r.ruleName = d == Decision.KEEP ? "hits" : "";
        r.ruleVersion = 3;
        r.features.sum = 1234.5;
        r.features.radialProfile = new float[] {1, 2, 3};
        r.features.peakX = new float[f.spots().size()];
        r.features.peakY = new float[f.spots().size()];
        r.features.peakIntensity = new float[f.spots().size()];
        return r;
    }

    @Test
    void shouldCountEveryFrameButPublishAtMostMaxRate() {
        LiveViewComposer c = new LiveViewComposer(5, 512);
        FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(256, 256));
        int published = 0;
        LiveViewMessage last = null;
        for (int i = 0; i < 100; i++) {
            // 100 frames at 100 Hz: 1 s
            LiveViewMessage m = c.offer(result(syn.frame(i), 256, 256, i % 4 == 0 ? Decision.KEEP : Decision.VETO),
                    i * 10_000_000L);
            if (m != null) {
                published++;
                last = m;
            }
        }
        assertEquals(5, published);
        assertEquals(95, c.skipped());
        assertNotNull(last);
        assertEquals(20, last.header().window.frames);
        assertEquals(5, last.header().window.kept);
        assertEquals(81, last.header().window.framesTotal);
    }

    @Test
    void shouldDownsampleOnlyTheFramesItPublishes() {
        int[] downsampled = {0};
        LiveViewComposer c = new LiveViewComposer(5, 128, (pixels, type, w, h, maxEdge) -> {
            downsampled[0]++;
            return MaxPoolDownsampler.downsample(pixels, type, w, h, maxEdge);
        });
        FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(256, 256));
        int published = 0;
        for (int i = 0; i < 100; i++) {
            // 100 frames with pixels at 100 Hz: 1 s, 5 published
            LiveViewMessage m = c.offer(result(syn.frame(i % 3), 256, 256, Decision.KEEP), i * 10_000_000L);
            if (m != null) {
                published++;
                assertNotNull(m.image());
                assertEquals(128 * 128, m.image().length);
            }
        }
        assertEquals(5, published);
        assertEquals(published, downsampled[0], "frames downsampled");
        assertEquals(95, c.skipped());
    }

    @Test
    void shouldPreferFramesWithPixelsButStillPublishWhenAllAreVetoed() {
        LiveViewComposer c = new LiveViewComposer(10, 512);
        FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(256, 256));
        int withImage = 0;
        int published = 0;
        // 1 s at 100 Hz, one frame in 5 kept (with pixels)
        for (int i = 0; i < 100; i++) {
            FrameResult r = result(syn.frame(i % 7), 256, 256, i % 5 == 0 ? Decision.KEEP : Decision.VETO);
            if (r.decision != Decision.KEEP) {
                r.pixels = null;
            }
            LiveViewMessage m = c.offer(r, i * 10_000_000L);
            if (m != null) {
                published++;
                withImage += m.image() != null ? 1 : 0;
            }
        }
        assertTrue(published <= 10, "rate limit exceeded: " + published);
        assertEquals(published, withImage, "vetoed frames took the place of frames with an image");
        assertTrue(published >= 8, "too few images: " + published);
        LiveViewComposer allVetoed = new LiveViewComposer(10, 512);
        int n = 0;
        for (int i = 0; i < 100; i++) {
            FrameResult r = result(syn.frame(i % 7), 256, 256, Decision.VETO);
            r.pixels = null;
            n += allVetoed.offer(r, i * 10_000_000L) != null ? 1 : 0;
        }
        assertTrue(n >= 4 && n <= 10, "reduced data of vetoed frames should still flow: " + n);
    }

    @Test
    void shouldPublishMarkersRegardlessOfRate() {
        LiveViewComposer c = new LiveViewComposer(1, 512);
        assertNotNull(c.offer(FrameResult.seriesStart("s", "{}"), 0));
        assertNotNull(c.offer(FrameResult.seriesEnd("s", 10), 1));
        assertEquals("series_end", c.offer(FrameResult.seriesEnd("s", 10), 2).header().type);
        FrameResult noPixels = new FrameResult();
        noPixels.seriesId = "s";
        noPixels.width = 10;
        noPixels.height = 10;
        LiveViewMessage m = c.offer(noPixels, 3);
        assertNull(m.image());
        assertNull(m.header().shape);
    }

    /** Offers the frame until the subscriber has it (a SUB socket drops what is published before it joined). */
    private static LiveViewMessage deliver(LiveViewPublisher pub, BlockingQueue<LiveViewMessage> got, FrameResult r) {
        return Await.value(java.time.Duration.ofSeconds(30), () -> "a live-view message from " + pub.boundEndpoint(),
                () -> {
                    pub.offer(r);
                    return got.poll(50, TimeUnit.MILLISECONDS);
                }, m -> m != null);
    }

    @Test
    void shouldFollowAWildcardEndpointToThePortItsPublisherBoundAlsoAfterTheJobRestarts() throws Exception {
        String configured = "tcp://127.0.0.1:*";
        FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(64, 64));
        BlockingQueue<LiveViewMessage> got = new LinkedBlockingQueue<>();
        try (LiveViewSubscriber sub = new LiveViewSubscriber(configured, got::add)) {
            assertEquals(java.util.Optional.empty(), LiveViewEndpoints.resolve(configured), "no publisher yet");
            String first;
            try (LiveViewPublisher pub = new LiveViewPublisher(configured, 0, 64, new SimpleMeterRegistry())) {
                first = pub.boundEndpoint();
                assertEquals(java.util.Optional.of(first), LiveViewEndpoints.resolve(configured));
                assertEquals(1, deliver(pub, got, result(syn.frame(1), 64, 64, Decision.KEEP)).header().frame);
                assertEquals(first, sub.endpoint());
            }
            assertEquals(java.util.Optional.empty(), LiveViewEndpoints.resolve(configured), "released on close");
            // the restarted job's publisher binds a port of its own; the subscriber follows it
            try (LiveViewPublisher again = new LiveViewPublisher(configured, 0, 64, new SimpleMeterRegistry())) {
                got.clear();
                assertEquals(2, deliver(again, got, result(syn.frame(2), 64, 64, Decision.KEEP)).header().frame);
                assertEquals(again.boundEndpoint(), sub.endpoint());
            }
        }
    }

    @Test
    void shouldDeliverDownsampledFrameToJavaSubscriber() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(1024, 1024).withHitFraction(1));
        BlockingQueue<LiveViewMessage> got = new LinkedBlockingQueue<>();
        try (LiveViewPublisher pub = new LiveViewPublisher("tcp://127.0.0.1:*", 0, 512, reg);
                LiveViewSubscriber sub = new LiveViewSubscriber(pub.boundEndpoint(), got::add)) {
            SimulatedFrame f = syn.frame(7);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            LiveViewMessage m = null;
            while (m == null && System.nanoTime() < deadline) {
                pub.offer(result(f, 1024, 1024, Decision.KEEP));
                m = got.poll(100, TimeUnit.MILLISECONDS);
            }
            assertNotNull(m, "no live-view message within 20 s");
            assertTrue(sub.received() >= 1);
            assertEquals(512, m.width());
            assertEquals(512, m.height());
            assertEquals(2, m.header().binning);
            assertEquals(7, m.header().frame);
            assertEquals("KEEP", m.header().decision);
            assertEquals(f.spots().size(), m.header().peaks.count);
            int max = 0;
            for (short s : f.pixels()) {
                max = Math.max(max, s & 0xFFFF);
            }
            float imgMax = 0;
            for (float v : m.image()) {
                imgMax = Math.max(imgMax, v);
            }
            assertEquals(max, imgMax, 0.0);
            assertTrue(reg.counter(MetricNames.LIVE_PUBLISHED).count() >= 1);
            assertTrue(reg.timer(MetricNames.PIPELINE_LATENCY, "stage", "live-view").count() >= 1);
        }
    }

    @Test
    void shouldBeReadableByPyzmqAndNumpyAsDocumented() throws Exception {
        String script = String.join("\n",
                "import json, sys, zmq, numpy as np",
                "ctx = zmq.Context(); s = ctx.socket(zmq.SUB); s.setsockopt(zmq.SUBSCRIBE, b'')",
                "s.setsockopt(zmq.RCVTIMEO, 15000); s.connect(sys.argv[1])",
                "while True:",
                "    header, data = s.recv_multipart()",
                "    h = json.loads(header)",
                "    if h['type'] == 'frame': break",
                "img = np.frombuffer(data, dtype='<f4').reshape(h['shape'])",
                "print(h['htype'], h['frame'], img.shape[0], img.shape[1], int(img.max()), h['ruleVersion'],"
                        + " h['window']['frames'])",
                "");
        FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(600, 300));
        SimulatedFrame f = syn.frame(11);
        int max = 0;
        for (short s : f.pixels()) {
            max = Math.max(max, s & 0xFFFF);
        }
        try (LiveViewPublisher pub = new LiveViewPublisher("tcp://127.0.0.1:*", 20, 256,
                new SimpleMeterRegistry())) {
            Process p = DebianPython.start(script, pub.boundEndpoint());
            try {
                // PUB drops what it sends before the subscription arrived: publish until the subscriber is done
                Await.until("the python subscriber received a frame and exited", () -> {
                    pub.offer(result(f, 600, 300, Decision.VETO));
                    return !p.isAlive();
                });
                assertTrue(p.waitFor(1, TimeUnit.SECONDS), "python subscriber did not finish");
                String out = new String(p.getInputStream().readAllBytes()).trim();
                List<String> lines = out.lines().toList();
                String[] fields = lines.get(lines.size() - 1).split(" ");
                assertEquals("beamflow-live-1.0", fields[0], out);
                assertEquals("11", fields[1]);
                assertEquals("100", fields[2]);
                assertEquals("200", fields[3]);
                assertEquals(Integer.toString(max), fields[4]);
                assertEquals("3", fields[5]);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
