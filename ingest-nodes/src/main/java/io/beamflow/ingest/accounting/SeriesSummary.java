package io.beamflow.ingest.accounting;

import java.util.List;

/**
 * Per-series accounting of one ingest stream.
 *
 * @param seriesId       series id
 * @param started        whether a series-start message was journaled
 * @param ended          whether a series-end message was journaled
 * @param reportedFrames frames the sender reported at series end (-1 if not ended or unknown)
 * @param modules        per-module figures, ordered by module index
 */
public record SeriesSummary(String seriesId, boolean started, boolean ended, long reportedFrames,
        List<ModuleSummary> modules) {

    /** @return frames accepted over all modules */
    public long framesReceived() {
        return modules.stream().mapToLong(ModuleSummary::framesReceived).sum();
    }

    /** @return bytes accepted over all modules */
    public long bytesReceived() {
        return modules.stream().mapToLong(ModuleSummary::bytesReceived).sum();
    }

    /** @return gaps over all modules */
    public long gaps() {
        return modules.stream().mapToLong(ModuleSummary::gaps).sum();
    }

    /** @return rejections attributed to this series over all modules */
    public long rejected() {
        return modules.stream().flatMap(m -> m.rejected().values().stream()).mapToLong(Long::longValue).sum();
    }
}
