package io.beamflow.app.control;

import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The beamtime each series belongs to, as the sink decides it: the beamtime of this server's beamline scheduled and
 * not closed when the series started (its SERIES_START's receive time on the live view; the first time the server
 * hears of it otherwise). {@code ""}: no beamtime (no store, or none open then). Remembers the newest series.
 */
final class SeriesBeamtimes {
    private static final int MAX_SERIES = 4096;

    private final BeamtimeStore store;
    private final String beamline;
    private final Map<String, String> bySeries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_SERIES;
        }
    };

    /**
     * @param store    the beamtime store, or {@code null}
     * @param beamline {@code sink.beamline} (empty: any)
     */
    SeriesBeamtimes(BeamtimeStore store, String beamline) {
        this.store = store;
        this.beamline = beamline == null ? "" : beamline;
    }

    /**
     * @param seriesId    a series
     * @param startedAtNs when it started (ns since the epoch); 0: unknown, now
     * @return its beamtime id, {@code ""} for none; the first answer for a series stays
     */
    synchronized String beamtimeOf(String seriesId, long startedAtNs) {
        String known = bySeries.get(seriesId);
        if (known != null) {
            return known;
        }
        String id = at(startedAtNs > 0 ? Instant.ofEpochSecond(0, startedAtNs) : Instant.now());
        if (seriesId != null && !seriesId.isEmpty()) {
            bySeries.put(seriesId, id);
        }
        return id;
    }

    /** @return the beamtime open now on this beamline, {@code ""} for none */
    String current() {
        return at(Instant.now());
    }

    private String at(Instant t) {
        if (store == null) {
            return "";
        }
        var open = store.all(beamline, t);
        return open.size() == 1 ? open.get(0).id() : ""; // several (no beamline set): the sink refuses the series
    }

    /** @return every beamtime (none without a store) */
    java.util.List<Beamtime> all() {
        return store == null ? java.util.List.of() : store.list();
    }

    /**
     * @param id beamtime id
     * @return the beamtime
     */
    Optional<Beamtime> find(String id) {
        return store == null || id == null || id.isEmpty() ? Optional.empty() : store.find(id);
    }
}
