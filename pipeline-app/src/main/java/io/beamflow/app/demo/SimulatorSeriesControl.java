package io.beamflow.app.demo;

import io.beamflow.app.control.SeriesControl;
import io.beamflow.app.control.SeriesRequest;
import io.beamflow.app.control.SeriesStatus;
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
        if (request.frames() < 1 || request.frames() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("frames must be between 1 and " + Integer.MAX_VALUE);
        }
        DetectorSimulator.Settings s = new DetectorSimulator.Settings(template.endpoints(), request.seriesId(),
                (int) request.frames(), template.width(), template.height(), request.rateHz(), template.hitFraction(),
                template.modules(), template.seed());
        begin(s, "started by " + request.author());
        Thread t = new Thread(() -> runSeries(s), "series-" + seriesId);
        t.setDaemon(true);
        worker = t;
        t.start();
        return status();
    }

    /**
     * Runs a series on the calling thread (the demo's own series), visible in {@link #status()} like a
     * series started through the control API.
     *
     * @param s what to send
     * @return what was sent
     */
    public DetectorSimulator.Result run(DetectorSimulator.Settings s) {
        synchronized (this) {
            begin(s, "demo series");
            worker = Thread.currentThread();
        }
        return runSeries(s);
    }

    private void begin(DetectorSimulator.Settings s, String why) {
        if (worker != null && worker.isAlive() && "RUNNING".equals(state)) {
            throw new IllegalStateException("series " + seriesId + " is still running; stop or abort it first");
        }
        seriesId = s.seriesId();
        expected = s.frames();
        sent.set(0);
        stopRequested.set(false);
        state = "RUNNING";
        message = why;
    }

    private DetectorSimulator.Result runSeries(DetectorSimulator.Settings s) {
        long start = System.nanoTime();
        try (DetectorSimulator sim = new DetectorSimulator(s)) {
            sim.sendSeriesStart();
            DetectorSimulator.Result frames = sim.sendFrames(stopRequested::get, sent::set);
            if (!"ABORTED".equals(state)) {
                sim.sendSeriesEnd(frames.frames());
                state = stopRequested.get() ? "STOPPED" : "COMPLETED";
            }
            return new DetectorSimulator.Result(frames.frames(), frames.hits(), frames.bytes(),
                    System.nanoTime() - start);
        } catch (RuntimeException e) {
            state = "FAILED";
            message = e.toString();
            throw e;
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
