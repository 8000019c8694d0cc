package io.beamflow.ingest;

import io.beamflow.ingest.accounting.ModuleSummary;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.ingest.accounting.StreamSummary;
import java.util.List;
import java.util.Locale;

/** Renders ingest summaries as the plain-text table printed by the CLI and the demo. */
public final class IngestSummaryFormat {
    private IngestSummaryFormat() {
    }

    /**
     * @param streams stream summaries
     * @return a multi-line table
     */
    public static String format(List<StreamSummary> streams) {
        StringBuilder sb = new StringBuilder();
        for (StreamSummary s : streams) {
            sb.append(String.format(Locale.ROOT, "stream %s (%s): messages %d, frames journaled %d (%.1f MiB), "
                    + "rejected %d %s, backpressure events %d%s, peer disconnects %d (closed or dropped), last journal index %d%n",
                    s.streamId(), s.endpoint(), s.messagesReceived(), s.framesJournaled(),
                    s.bytesJournaled() / 1048576.0, s.rejectedTotal(), s.rejected(), s.backpressureEvents(),
                    s.backpressured() ? " (PAUSED)" : "", s.disconnects(), s.lastJournalIndex()));
            for (SeriesSummary series : s.series()) {
                sb.append(String.format(Locale.ROOT, "  series %s: %s, frames %d, gaps %d, rejected %d%s%n",
                        series.seriesId(), series.ended() ? "ended" : (series.started() ? "open" : "no start"),
                        series.framesReceived(), series.gaps(), series.rejected(),
                        series.reportedFrames() >= 0 ? ", sender reported " + series.reportedFrames() : ""));
                for (ModuleSummary m : series.modules()) {
                    sb.append(String.format(Locale.ROOT,
                            "    module %d: frames %d (%d..%d), %.1f MiB, gaps %d, rejected %s%n", m.moduleIndex(),
                            m.framesReceived(), m.firstFrame(), m.lastFrame(), m.bytesReceived() / 1048576.0,
                            m.gaps(), m.rejected()));
                }
            }
        }
        return sb.toString();
    }
}
