package io.beamflow.app.demo;

import io.beamflow.ingest.sim.DetectorSimulator;
import java.util.Locale;

/**
 * What a demo run did, end to end.
 *
 * @param seriesId        the simulated series
 * @param sent            what the simulator sent
 * @param ingestSummary   the ingest node's accounting (received, rejected by reason, gaps, bytes)
 * @param framesJournaled frames the ingest node journaled
 * @param framesRejected  messages the ingest node rejected
 * @param outcome         what the HDF5 sink committed
 * @param elapsedNs       from the first frame sent to the job's end (all files committed)
 * @param reductionFramesPerSecond frames the reduction reduced per second, from its first frame to its last
 *                        (NaN when not measured)
 * @param dashboardUrl    where the dashboard was served
 * @param metricsUrl      where the Prometheus metrics were served
 */
public record DemoReport(String seriesId, DetectorSimulator.Result sent, String ingestSummary, long framesJournaled,
        long framesRejected, SeriesOutcome outcome, long elapsedNs, double reductionFramesPerSecond,
        String dashboardUrl, String metricsUrl) {

    /** @return the human-readable summary the demo prints */
    public String format() {
        double seconds = elapsedNs / 1e9;
        double mb = sent.bytes() / 1e6;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n=== Beamflow demo: series %s ===%n", seriesId));
        b.append(String.format(Locale.ROOT, "simulator : sent %d frames (%d hits), %.1f MB in %.1f s%n",
                sent.frames(), sent.hits(), mb, sent.elapsedNs() / 1e9));
        b.append(String.format(Locale.ROOT, "ingest    : journaled %d frames, rejected %d messages%n",
                framesJournaled, framesRejected));
        b.append(ingestSummary.strip()).append(System.lineSeparator());
        b.append(String.format(Locale.ROOT,
                "pipeline  : received %d, written %d, reduced-only %d, vetoed %d, missing %d (rules: %s)%n",
                outcome.framesReceived(), outcome.framesStored(), outcome.framesReducedOnly(),
                outcome.framesVetoed(), outcome.framesMissing(), rules(outcome.ruleVersions())));
        b.append(String.format(Locale.ROOT, "files     : %d data files + master, %.1f MB on disk, compression %.2fx%n",
                outcome.dataFiles().size(), outcome.bytesOnDisk() / 1e6, outcome.compressionRatio()));
        b.append(String.format(Locale.ROOT, "            %s%n", outcome.master().toAbsolutePath()));
        b.append(String.format(Locale.ROOT,
                "throughput: %.1f frames/s, %.1f MB/s end to end (first frame sent -> last file committed, %.1f s)%n",
                sent.frames() / seconds, mb / seconds, seconds));
        if (!Double.isNaN(reductionFramesPerSecond)) {
            b.append(String.format(Locale.ROOT, "reduction : %.1f frames/s, %.1f MB/s (first frame reduced -> last)%n",
                    reductionFramesPerSecond, reductionFramesPerSecond * sent.bytes() / Math.max(1, sent.frames()) / 1e6));
        }
        if (dashboardUrl != null) {
            b.append(String.format(Locale.ROOT, "dashboard : %s   metrics: %s%n", dashboardUrl, metricsUrl));
        }
        return b.toString();
    }

    /** Turns the master's {@code version:name; ...} into {@code v1 hits, v0 default}. */
    static String rules(String versions) {
        if (versions.isBlank()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (String entry : versions.split(";")) {
            String[] vn = entry.strip().split(":", 2);
            String name = vn.length > 1 && !vn[1].isBlank() ? vn[1].strip() : "default";
            b.append(b.length() == 0 ? "" : ", ").append('v').append(vn[0].strip()).append(' ').append(name);
        }
        return b.toString();
    }
}
