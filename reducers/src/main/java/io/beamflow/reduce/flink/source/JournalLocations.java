package io.beamflow.reduce.flink.source;

import java.io.Serializable;
import java.util.List;

/**
 * Where the job finds the ingest nodes' journals: tailed in a local directory (one sub-directory per
 * stream, the ingest node on the same host or a shared volume), or, when {@code servers} is not empty,
 * replayed from the journal servers of ingest nodes on other hosts, and only from there.
 *
 * @param directory       local directory with one journal per stream
 * @param servers         journal server endpoints ({@code tcp://host:port}); empty: read {@code directory}
 * @param serverTimeoutMs how long a request to a journal server waits for its reply
 */
public record JournalLocations(String directory, List<String> servers, int serverTimeoutMs) implements Serializable {
    /** Checks the values and copies the list. */
    public JournalLocations {
        servers = List.copyOf(servers);
        if (servers.isEmpty() && (directory == null || directory.isBlank())) {
            throw new IllegalArgumentException("neither a journal directory nor journal servers are configured");
        }
        if (serverTimeoutMs <= 0) {
            throw new IllegalArgumentException("journal server timeout must be positive: " + serverTimeoutMs);
        }
    }

    /**
     * @param directory local directory with one journal per stream
     * @return locations that read only that directory
     */
    public static JournalLocations local(String directory) {
        return new JournalLocations(directory, List.of(), 5_000);
    }

    /** @return whether journals are read from journal servers rather than the local directory */
    public boolean remote() {
        return !servers.isEmpty();
    }
}
