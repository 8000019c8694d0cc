package io.beamflow.app.demo;

import io.beamflow.app.control.SeriesControl;
import io.beamflow.app.control.SeriesRequest;
import io.beamflow.app.control.SeriesStatus;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.ingest.sim.DetectorSimulator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Series control of the demo: starts, stops and aborts series of the simulated detector on a
 * background thread, so that operators can drive acquisitions from the control API and dashboard.
 */
public final class SimulatorSeriesControl implements SeriesControl {
    private final DetectorSimulator.Settings template;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile Thread worker;
    private volatile String seriesId = "";
    private volatile long expected;
    private volatile String state = "IDLE";
    private volatile String message = "";

    /** @param template endpoints, frame size, hit fraction, modules and seed of the simulated detector */
    public SimulatorSeriesControl(DetectorSimulator.Settings template) {
        this.template = template;
    }

    @Override
    public synchronized SeriesStatus start(SeriesRequest request) {
        if (worker != null && worker.isAlive()) {
            throw new IllegalStateException("series " + seriesId + " is still running; stop or abort it first");
        }
        if (request.frames() < 1 || request.frames() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frames must be between 1 and " + Integer.MAX_VALUE);
        }
        DetectorSimulator.Settings s = new DetectorSimulator.Settings(template.endpoints(), request.seriesId(),
                (int) request.frames(), template.width(), template.height(), request.rateHz(), template.hitFraction(),
                template.modules(), template.seed());
        seriesId = request.seriesId();
        expected = request.frames();
        sent.set(0);
        stopRequested.set(false);
        state = "RUNNING";
        message = "started by " + request.author();
        Thread t = new Thread(() -> runSeries(s), "series-" + seriesId);
        t.setDaemon(true);
        worker = t;
        t.start();
        return status();
    }

    private void runSeries(DetectorSimulator.Settings s) {
        try (DetectorSimulator sim = new DetectorSimulator(s)) {
            sim.sendSeriesStart();
            long periodNs = s.rateHz() > 0 ? (long) (1e9 / s.rateHz()) : 0;
            long next = System.nanoTime();
            for (long f = 0; f < s.frames() && !stopRequested.get(); f++) {
                sim.sendFrame(f, FrameSynthesizer.toLittleEndianBytes(sim.synthesizer().frame(f)));
                sent.incrementAndGet();
                if (periodNs > 0) {
                    next += periodNs;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            }
            if (!"ABORTED".equals(state)) {
                sim.sendSeriesEnd(sent.get());
                state = stopRequested.get() ? "STOPPED" : "COMPLETED";
            }
        } catch (RuntimeException e) {
            state = "FAILED";
            message = e.toString();
        }
    }

    @Override
    public synchronized SeriesStatus stop(String id) {
        requireCurrent(id);
        stopRequested.set(true);
        message = "stop requested: the series ends after the frames sent so far";
        return status();
    }

    @Override
    public synchronized SeriesStatus abort(String id) {
        requireCurrent(id);
        state = "ABORTED";
        stopRequested.set(true);
        message = "aborted: no series end is sent; the journal keeps the frames received";
        return status();
    }

    private void requireCurrent(String id) {
        if (worker == null || !seriesId.equals(id)) {
            throw new IllegalStateException("no running series '" + id + "' (current: '" + seriesId + "')");
        }
    }

    @Override
    public SeriesStatus status() {
        return new SeriesStatus(state, seriesId, sent.get(), expected, message);
    }
}
