package io.beamflow.app.control;

import io.beamflow.app.control.auth.AccessPolicy;
import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.rules.RuleDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which rule versions a sender may see: all for those who read everything or operate this beamline; for a
 * participant, the versions that were active (from their activation to the next one's) while a beamtime it may read
 * was scheduled and not closed, i.e. the rules that decided its frames.
 */
final class RuleVisibility {
    private final AccessPolicy policy;
    private final boolean all;
    private final List<RuleDocument> versions;
    private final List<long[]> readableWindowsMs = new ArrayList<>();

    RuleVisibility(List<RuleDocument> versions, AccessPolicy policy, RequestAccess access) {
        this.policy = policy;
        this.all = policy.readsEverything() || policy.canOperateHere();
        this.versions = new ArrayList<>(versions);
        this.versions.sort(Comparator.comparingLong(RuleDocument::version));
        if (!all) {
            for (Beamtime b : access.beamtimes().all()) {
                if (policy.canRead(b)) {
                    long from = Instant.parse(b.start()).toEpochMilli();
                    long to = Instant.parse(b.end()).toEpochMilli();
                    if (!b.isOpen()) {
                        to = Math.min(to, Instant.parse(b.closedAt()).toEpochMilli());
                    }
                    readableWindowsMs.add(new long[] {from, to});
                }
            }
        }
    }

    /** @return whether the sender may see this version */
    boolean visible(RuleDocument d) {
        if (all) {
            return true;
        }
        long from = d.timestampMs();
        long to = Long.MAX_VALUE;
        for (RuleDocument v : versions) {
            if (v.version() > d.version()) {
                to = v.timestampMs();
                break;
            }
        }
        for (long[] w : readableWindowsMs) {
            if (w[0] < to && from < w[1]) {
                return true;
            }
        }
        return false;
    }

    /** @throws ApiException 403 when the sender may not see this version */
    void require(RuleDocument d) {
        if (!visible(d)) {
            throw new ApiException(403, "forbidden", "rule version " + d.version() + " was not active during a beamtime "
                    + policy.principal().describe() + " may read");
        }
    }
}
