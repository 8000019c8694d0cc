package io.beamflow.sink.hdf5;

import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Places a starting series in the beamtime open on the sink's beamline, or says why it is refused. */
final class BeamtimePlacement {
    private final Hdf5SinkSettings settings;
    private final BeamtimeStore store;
    private final Set<String> prepared = new HashSet<>();

    /** Where a series goes: its paths, or (paths {@code null}) why it is refused. */
    record Placement(SeriesPaths paths, String beamtimeId, String refusal) {
    }

    BeamtimePlacement(Hdf5SinkSettings settings) {
        this.settings = settings;
        this.store = settings.beamtimes() == null ? null : new BeamtimeStore(Path.of(settings.beamtimes().storeFile()));
    }

    /** @return whether series are placed by beamtime (a store is configured) */
    boolean managed() {
        return store != null;
    }

    /**
     * @param seriesId series id (untrusted)
     * @param at       when the series started
     * @return its placement: under {@code raw/} of the beamtime open then on this beamline, with the beamtime's tree
     *         prepared; or the refusal when there is none
     * @throws IOException when the beamtime's tree cannot be prepared with its access rights
     */
    Placement place(String seriesId, Instant at) throws IOException {
        if (store == null) {
            return new Placement(SeriesPaths.of(settings, seriesId), settings.beamtime(), null);
        }
        String beamline = settings.beamtimes().beamline();
        List<Beamtime> open = store.all(beamline, at);
        if (open.size() > 1) {
            // never guess whose data these are
            return new Placement(null, null, "beamtimes " + open.stream().map(Beamtime::id).toList() + " of several "
                    + "beamlines are open at " + at + "; set sink.beamline");
        }
        Optional<Beamtime> b = open.stream().findFirst();
        if (b.isEmpty()) {
            return new Placement(null, null, "no beamtime open" + (beamline.isEmpty() ? "" : " on beamline " + beamline)
                    + " at " + at + " (" + store.path() + ")");
        }
        BeamtimeLayout layout = BeamtimeLayout.of(Path.of(settings.outputRoot()), b.get());
        // again when the tree went away under a running sink: never create raw/ with the umask's rights
        if (!prepared.contains(b.get().id()) || !java.nio.file.Files.isDirectory(layout.raw())) {
            new BeamtimeAccess(b.get(), settings.beamtimes().staff()).prepare(layout);
            prepared.add(b.get().id());
        }
        return new Placement(layout.series(seriesId), b.get().id(), null);
    }
}
