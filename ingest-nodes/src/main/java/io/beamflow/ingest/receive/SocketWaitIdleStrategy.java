package io.beamflow.ingest.receive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.IdleStrategy;
import org.zeromq.ZMQ;

/**
 * Idles a receive agent by waiting on its socket (up to a bound) instead of spinning, yielding and
 * parking: the agent wakes as soon as ZeroMQ has a message, and an idle agent costs no CPU. On a
 * machine whose cores are shared with the I/O threads (and, in benchmarks, with the sender) a
 * backing-off spin costs tens of microseconds of CPU per idle period, taken from the threads that
 * move the data. While the agent is not reading (backpressure) it parks for the bound instead,
 * since the socket stays readable.
 */
public final class SocketWaitIdleStrategy implements IdleStrategy {
    private final ZMQ.Poller poller;
    private final BooleanSupplier readingPaused;
    private final long maxWaitMs;

    /**
     * @param poller        a poller with the agent's socket registered for {@link ZMQ.Poller#POLLIN}; used
     *                      only on the agent's thread from now on
     * @param readingPaused whether the agent is currently not reading its socket
     * @param maxWaitMs     longest wait, so that the agent's other duties (retention, disconnects, the
     *                      free-space check) run at least this often
     */
    public SocketWaitIdleStrategy(ZMQ.Poller poller, BooleanSupplier readingPaused, long maxWaitMs) {
        this.poller = poller;
        this.readingPaused = readingPaused;
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    public void idle(int workCount) {
        if (workCount <= 0) {
            idle();
        }
    }

    @Override
    public void idle() {
        if (readingPaused.getAsBoolean()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(maxWaitMs));
        } else {
            poller.poll(maxWaitMs);
        }
    }

    @Override
    public void reset() {
        // stateless between idle periods
    }

    @Override
    public String alias() {
        return "socket-wait";
    }
}
