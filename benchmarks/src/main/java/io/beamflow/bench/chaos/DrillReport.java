package io.beamflow.bench.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a drill did and found; {@link #format()} is the summary pasted into {@code benchmarks/RESULTS.md}. */
record DrillReport(DrillSettings settings, Map<String, Integer> kills, List<String> events, int ingestStarts,
        int pipelineStarts, SeriesCheck.Outcome files, ArchiveDrill.Outcome archive, double wallSeconds, String failure) {

    /** @return SIGKILLs dealt in all */
    int totalKills() {
        return kills.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** @return every check that failed; empty when the drill passed */
    List<String> problems() {
        List<String> p = new ArrayList<>();
        if (failure != null) {
            p.add("the drill stopped: " + failure);
        }
        if (files == null) {
            p.add("the series was not read back");
        } else {
            p.addAll(files.problems());
        }
        if (archive == null) {
            p.add("the archive was not checked");
        } else {
            p.addAll(archive.problems());
        }
        return p;
    }

    /** @return whether every check passed */
    boolean passed() {
        return problems().isEmpty();
    }

    /** @return the summary */
    String format() {
        StringBuilder sb = new StringBuilder();
        DrillSettings s = settings;
        sb.append(String.format("=== chaos drill: %s mode, series %s, %d frames of %dx%d uint16, seed %d ===%n",
                s.cluster() ? "cluster (JobManager + 2 TaskManagers)" : "embedded", s.series(), s.frames(),
                s.width(), s.height(), s.seed()));
        events.forEach(e -> sb.append(e).append('\n'));
        sb.append(String.format("kills     : %d SIGKILLs %s; ingest started %d times, pipeline %d times%n",
                totalKills(), kills, ingestStarts, pipelineStarts));
        if (files != null) {
            Map<String, String> a = new LinkedHashMap<>();
            for (String k : List.of("frames_announced", "frames_received", "frames_stored", "frames_missing",
                    "frames_rejected", "frames_vetoed", "frames_quarantined", "status")) {
                a.put(k, files.attributes().get(k));
            }
            sb.append(String.format("files     : %d distinct frames in the data files, duplicates %d, missing %d, "
                    + "pixel mismatches %d; %d reduced rows%n", files.frameCopies().size(), files.duplicates(),
                    files.missing(), files.pixelMismatches(), files.reducedFrames().size()));
            sb.append("master    : ").append(a).append('\n');
        }
        if (archive != null) {
            sb.append(String.format("archive   : %d migrations (%d killed); %s; %s; %d copies compared byte for byte%n",
                    archive.migrations(), archive.kills(), archive.migrateLine(), archive.verifyLine(),
                    archive.filesCompared()));
        }
        sb.append(String.format("wall time : %.1f s%n", wallSeconds));
        List<String> problems = problems();
        sb.append(problems.isEmpty() ? "RESULT    : PASSED\n" : "RESULT    : FAILED\n");
        problems.forEach(p -> sb.append("  - ").append(p).append('\n'));
        return sb.toString();
    }

    /** Collects a report while the drill runs (parts stay null when the drill stopped before them). */
    static final class Builder {
        private final DrillSettings settings;
        private Map<String, Integer> kills = Map.of();
        private List<String> events = List.of();
        private int ingestStarts;
        private int pipelineStarts;
        private SeriesCheck.Outcome files;
        private ArchiveDrill.Outcome archive;
        private double wallSeconds;
        private String failure;

        Builder(DrillSettings settings) {
            this.settings = settings;
        }

        Builder kills(Map<String, Integer> value) {
            kills = value;
            return this;
        }

        Builder events(List<String> value) {
            events = value;
            return this;
        }

        Builder starts(int ingest, int pipeline) {
            ingestStarts = ingest;
            pipelineStarts = pipeline;
            return this;
        }

        Builder files(SeriesCheck.Outcome value) {
            files = value;
            return this;
        }

        Builder archive(ArchiveDrill.Outcome value) {
            archive = value;
            return this;
        }

        Builder wallSeconds(double value) {
            wallSeconds = value;
            return this;
        }

        Builder failure(Throwable value) {
            java.io.StringWriter w = new java.io.StringWriter();
            value.printStackTrace(new java.io.PrintWriter(w));
            failure = w.toString();
            return this;
        }

        DrillReport build() {
            return new DrillReport(settings, kills, events, ingestStarts, pipelineStarts, files, archive, wallSeconds,
                    failure);
        }
    }
}
