package io.beamflow.app.control;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.sink.live.LiveViewPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Test feed that plays the job's part for the dashboard: synthesized frames with features (peaks from
 * the injected spots, a radial profile around the beam centre), decided by the active rule document
 * in the rules directory, offered to a real {@link LiveViewPublisher}.
 */
final class SyntheticResultFeed implements AutoCloseable {
    private static final int PROFILE_BINS = 128;

    private final FrameSynthesizer synth;
    private final LiveViewPublisher publisher;
    private final Path rulesDirectory;
    private final BiConsumer<RuleDocument, FrameResult> decider;
    private final double rateHz;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long framesSent;

    /**
     * @param decider applies a rule document to a frame result (the job's rule engine)
     */
    SyntheticResultFeed(int size, double rateHz, LiveViewPublisher publisher, Path rulesDirectory,
            BiConsumer<RuleDocument, FrameResult> decider) {
        this.synth = new FrameSynthesizer(SimulationParameters.defaults(size, size).withHitFraction(0.3));
        this.publisher = publisher;
        this.rulesDirectory = rulesDirectory;
        this.decider = decider;
        this.rateHz = rateHz;
        this.thread = new Thread(this::run, "synthetic-feed");
        thread.setDaemon(true);
        thread.start();
    }

    long framesSent() {
        return framesSent;
    }

    private void run() {
        publisher.offer(FrameResult.seriesStart("browser-0001", "{}"));
        RuleDocument rules = RuleDocument.keepAll();
        FileTime seen = null;
        long periodNs = (long) (1e9 / rateHz);
        long next = System.nanoTime();
        for (long n = 0; running; n++) {
            Path active = rulesDirectory.resolve(RuleDocumentCodec.ACTIVE_FILE);
            try {
                FileTime t = Files.exists(active) ? Files.getLastModifiedTime(active) : null;
                if (t != null && !t.equals(seen)) {
                    rules = RuleDocumentCodec.readActive(rulesDirectory);
                    seen = t;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // file being replaced: keep the previous document
            }
            FrameResult r = result(n);
            decider.accept(rules, r);
            publisher.offer(r);
            framesSent = n + 1;
            next += periodNs;
            long sleepNs = next - System.nanoTime();
            if (sleepNs > 0) {
                try {
                    Thread.sleep(sleepNs / 1_000_000, (int) (sleepNs % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private FrameResult result(long n) {
        SimulatedFrame f = synth.frame(n);
        SimulationParameters p = synth.parameters();
        FrameResult r = new FrameResult();
        r.seriesId = "browser-0001";
        r.frameNumber = n;
        r.width = p.width();
        r.height = p.height();
        r.pixelType = PixelType.UINT16;
        r.pixels = FrameSynthesizer.toLittleEndianBytes(f);
        r.receiveTimeNs = System.currentTimeMillis() * 1_000_000L;
        r.acquisitionTimeNs = r.receiveTimeNs;
        List<SimulatedFrame.Spot> spots = f.spots();
        r.features.peakX = new float[spots.size()];
        r.features.peakY = new float[spots.size()];
        r.features.peakIntensity = new float[spots.size()];
        for (int i = 0; i < spots.size(); i++) {
            r.features.peakX[i] = (float) spots.get(i).x();
            r.features.peakY[i] = (float) spots.get(i).y();
            r.features.peakIntensity[i] = (float) spots.get(i).intensity();
        }
        double[] sum = new double[PROFILE_BINS];
        int[] count = new int[PROFILE_BINS];
        double rMax = Math.hypot(p.width(), p.height()) / 2;
        short[] px = f.pixels();
        double total = 0;
        double max = 0;
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                int v = px[y * p.width() + x] & 0xFFFF;
                total += v;
                max = Math.max(max, v);
                int bin = (int) (Math.hypot(x + 0.5 - p.beamCenterX(), y + 0.5 - p.beamCenterY()) / rMax * PROFILE_BINS);
                if (bin < PROFILE_BINS) {
                    sum[bin] += v;
                    count[bin]++;
                }
            }
        }
        r.features.radialProfile = new float[PROFILE_BINS];
        for (int i = 0; i < PROFILE_BINS; i++) {
            r.features.radialProfile[i] = count[i] == 0 ? 0 : (float) (sum[i] / count[i]);
        }
        r.features.sum = total;
        r.features.max = max;
        r.features.mean = total / px.length;
        return r;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
