package io.beamflow.reduce.flink.source;

import io.beamflow.core.journal.SeriesEndCounter;
import io.beamflow.core.journal.remote.JournalClient;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts SERIES_END records per journal stream, to learn when a bounded job's streams are all complete
 * (used by side inputs such as the rule source that must end together with the journal source). Local
 * journals are scanned here, reading only record headers; journal servers count for their own streams.
 */
public final class SeriesEndScanner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesEndScanner.class);

    private final JournalLocations locations;
    private final JournalSettings settings;
    private final Map<String, SeriesEndCounter> localCounters = new HashMap<>();
    private final Map<String, JournalClient> clients = new HashMap<>();

    /**
     * @param locations where the journals are
     * @param settings  journal layout
     */
    public SeriesEndScanner(JournalLocations locations, JournalSettings settings) {
        this.locations = locations;
        this.settings = settings;
    }

    /**
     * @param expectedStreams     streams that must exist
     * @param seriesEndsPerStream SERIES_END records each must hold
     * @return whether that many streams each hold that many SERIES_END records
     */
    public boolean allStreamsEnded(int expectedStreams, int seriesEndsPerStream) {
        return (locations.remote() ? endedRemoteStreams(seriesEndsPerStream) : endedLocalStreams(seriesEndsPerStream))
                >= expectedStreams;
    }

    private int endedLocalStreams(int seriesEndsPerStream) {
        File[] dirs = new File(locations.directory()).listFiles(File::isDirectory);
        if (dirs == null) {
            return 0;
        }
        int done = 0;
        for (File d : dirs) {
            if (d.getName().startsWith(".")) {
                continue;
            }
            SeriesEndCounter counter = localCounters.computeIfAbsent(d.getName(),
                    k -> SeriesEndCounter.open(settings.config(Path.of(d.getAbsolutePath()))));
            if (counter.poll() >= seriesEndsPerStream) {
                done++;
            }
        }
        return done;
    }

    private int endedRemoteStreams(int seriesEndsPerStream) {
        int done = 0;
        for (String server : locations.servers()) {
            JournalClient client = clients.computeIfAbsent(server,
                    s -> new JournalClient(s, locations.serverTimeoutMs()));
            try {
                for (String stream : client.streamIds()) {
                    if (client.seriesEnds(stream) >= seriesEndsPerStream) {
                        done++;
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("journal server {} not answering: {}", server, e.getMessage());
            }
        }
        return done;
    }

    @Override
    public void close() {
        localCounters.values().forEach(SeriesEndCounter::close);
        localCounters.clear();
        clients.values().forEach(JournalClient::close);
        clients.clear();
    }
}
