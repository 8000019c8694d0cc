package io.beamflow.app.demo;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Measures the reduction's own rate, frames reduced per second between the first and the last frame it
 * reduced, from the record path's {@code framesReduced} counters (summed over the reduction subtasks; the live
 * path's are left out) as Flink reports them into Micrometer; the demo prints it next to the end-to-end rate, which also holds the sender's and the
 * final commit's time.
 */
public final class ReductionRateSampler implements AutoCloseable {
    private final LongSupplier framesReduced;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService timer;
    private long firstNs = -1;
    private long firstCount;
    private long lastNs = -1;
    private long lastCount;

    /**
     * @param framesReduced the count of frames reduced so far
     * @param nanoTime      monotonic clock
     */
    ReductionRateSampler(LongSupplier framesReduced, LongSupplier nanoTime) {
        this.framesReduced = framesReduced;
        this.nanoTime = nanoTime;
        this.timer = null;
    }

    private ReductionRateSampler(LongSupplier framesReduced) {
        this.framesReduced = framesReduced;
        this.nanoTime = System::nanoTime;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reduction-rate-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, 0, 20, TimeUnit.MILLISECONDS);
    }

    /**
     * @param registry the registry Flink's metrics are reported into
     * @return a sampler that samples every 20 ms until closed
     */
    static ReductionRateSampler start(MeterRegistry registry) {
        return start(registry, id -> id.getName().endsWith(".framesReduced")
                && "reduce-frames".equals(id.getTag("operator_name")));
    }

    /**
     * @param registry the registry Flink's metrics are reported into
     * @param counters which counters to sum (e.g. the HDF5 sink's {@code hdf5FramesStored})
     * @return a sampler of their rate that samples every 20 ms until closed
     */
    public static ReductionRateSampler start(MeterRegistry registry, Predicate<Meter.Id> counters) {
        return new ReductionRateSampler(() -> (long) registry.getMeters().stream()
                .filter(m -> m instanceof FunctionCounter && counters.test(m.getId()))
                .mapToDouble(m -> ((FunctionCounter) m).count()).sum());
    }

    /** Takes one sample. */
    synchronized void sample() {
        long count = framesReduced.getAsLong();
        long now = nanoTime.getAsLong();
        if (count <= 0) {
            return;
        }
        if (firstNs < 0) {
            firstNs = now;
            firstCount = count;
        }
        if (count > lastCount) { // Flink's counters leave the registry when the job ends
            lastNs = now;
            lastCount = count;
        }
    }

    /** @return frames per second between the first and the last sample that saw a change; NaN if unknown */
    public synchronized double framesPerSecond() {
        if (firstNs < 0 || lastNs <= firstNs) {
            return Double.NaN;
        }
        return (lastCount - firstCount) / ((lastNs - firstNs) / 1e9);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        sample();
    }
}
