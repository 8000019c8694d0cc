package io.beamflow.ingest.accounting;

import io.beamflow.core.wire.RejectReason;
import java.util.List;
import java.util.Map;

/**
 * Accounting of one ingest stream (one endpoint, one journal).
 *
 * @param streamId           stream id (journal sub-directory name)
 * @param endpoint           ZeroMQ endpoint
 * @param messagesReceived   multipart messages taken from the socket
 * @param framesJournaled    frames appended to the journal (all series)
 * @param bytesJournaled     frame payload bytes appended to the journal (compressed ones for frames kept compressed)
 * @param rejected           rejected messages by reason (all, including those without a known series)
 * @param backpressureEvents times the node stopped reading because the journal volume was full
 * @param backpressured      whether the node is not reading right now because the volume is full
 * @param disconnects        peer connections dropped (a sender closing, or a part over the size limit)
 * @param lastJournalIndex   index of the last record journaled, -1 if none
 * @param series             per-series figures in order of first appearance
 */
public record StreamSummary(String streamId, String endpoint, long messagesReceived, long framesJournaled,
        long bytesJournaled, Map<RejectReason, Long> rejected, long backpressureEvents, boolean backpressured,
        long disconnects, long lastJournalIndex, List<SeriesSummary> series) {

    /** @return total rejected messages */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * @param reason a reason
     * @return messages rejected for it
     */
    public long rejected(RejectReason reason) {
        return rejected.getOrDefault(reason, 0L);
    }

    /**
     * @param seriesId a series id
     * @return that series' figures, or {@code null}
     */
    public SeriesSummary series(String seriesId) {
        return series.stream().filter(s -> s.seriesId().equals(seriesId)).findFirst().orElse(null);
    }
}
