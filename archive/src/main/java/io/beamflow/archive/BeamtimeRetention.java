package io.beamflow.archive;

import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import java.util.Optional;
import java.util.function.Function;

/**
 * The archive policy of a series from its beamtime: the beamtime's {@code retentionDays} when it sets one (more
 * than 0), else the default. The beamtime is the series key's {@code <beamtime>} segment in the old layout and
 * {@code <beamtime-id>} in ASAP3's {@code <year>/data/<beamtime-id>/raw/<series>}.
 */
public final class BeamtimeRetention implements Function<String, ArchivePolicy> {
    private final BeamtimeStore store;
    private final ArchivePolicy defaults;

    /**
     * @param store    the beamtimes ({@code sink.beamtimeStore})
     * @param defaults required copies and retention where a beamtime sets none
     */
    public BeamtimeRetention(BeamtimeStore store, ArchivePolicy defaults) {
        this.store = store;
        this.defaults = defaults;
    }

    /**
     * @param seriesKey a series key
     * @return the beamtime id of that key
     */
    static String beamtimeOf(String seriesKey) {
        String[] seg = seriesKey.split("/", -1);
        if (seg.length == 5 && seg[0].matches("[0-9]{4}") && seg[1].equals("data") && seg[3].equals("raw")) {
            return seg[2];
        }
        return seg[0];
    }

    @Override
    public ArchivePolicy apply(String seriesKey) {
        Optional<Beamtime> b = store.find(beamtimeOf(seriesKey));
        if (b.isEmpty() || b.get().retentionDays() <= 0) {
            return defaults;
        }
        return new ArchivePolicy(defaults.requiredCopies(), b.get().retentionDays());
    }
}
