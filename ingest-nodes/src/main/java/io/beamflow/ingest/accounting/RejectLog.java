package io.beamflow.ingest.accounting;

import io.beamflow.core.wire.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a sample of rejected messages: the first of each reason at once, then at most one line per
 * reason per interval, saying how many were suppressed in between.
 */
public final class RejectLog {
    private static final Logger LOG = LoggerFactory.getLogger(RejectLog.class);

    private final LongSupplier nanoClock;
    private final long intervalNs;
    private final Map<RejectReason, long[]> state = new EnumMap<>(RejectReason.class);

    /**
     * @param nanoClock  monotonic clock in ns
     * @param intervalNs minimum time between two lines of the same reason
     */
    public RejectLog(LongSupplier nanoClock, long intervalNs) {
        this.nanoClock = nanoClock;
        this.intervalNs = intervalNs;
    }

    /**
     * Records a rejection and logs it unless rate-limited.
     *
     * @return whether a line was logged
     */
    public synchronized boolean onReject(String streamId, RejectReason reason, String detail) {
        long now = nanoClock.getAsLong();
        long[] s = state.computeIfAbsent(reason, r -> new long[] {Long.MIN_VALUE, 0});
        if (s[0] != Long.MIN_VALUE && now - s[0] < intervalNs) {
            s[1]++;
            return false;
        }
        long suppressed = s[1];
        s[0] = now;
        s[1] = 0;
        if (suppressed > 0) {
            LOG.warn("stream {}: rejected message, reason {}: {} ({} more {} rejections since the last line)",
                    streamId, reason, detail, suppressed, reason);
        } else {
            LOG.warn("stream {}: rejected message, reason {}: {}", streamId, reason, detail);
        }
        return true;
    }
}
