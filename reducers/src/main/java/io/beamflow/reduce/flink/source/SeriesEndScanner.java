package io.beamflow.reduce.flink.source;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts SERIES_END records per journal stream by tailing only the record headers, to learn when a
 * bounded job's streams are all complete (used by side inputs such as the rule source that must end
 * together with the journal source).
 */
public final class SeriesEndScanner implements AutoCloseable {
    private final File journalDirectory;
    private final JournalSettings settings;
    private final Map<String, Scan> scans = new HashMap<>();
    private final NativeHeaderFlyweight header = new NativeHeaderFlyweight();

    /**
     * @param journalDirectory directory with one journal per stream
     * @param settings         journal layout
     */
    public SeriesEndScanner(String journalDirectory, JournalSettings settings) {
        this.journalDirectory = new File(journalDirectory);
        this.settings = settings;
    }

    /** One stream being scanned. */
    private static final class Scan {
        final FrameJournal journal;
        final JournalTailer tailer;
        int seriesEnds;

        Scan(File dir, JournalSettings settings) {
            journal = FrameJournal.open(settings.config(Path.of(dir.getAbsolutePath())));
            tailer = journal.tailer(FrameJournal.FIRST);
        }
    }

    /**
     * @param expectedStreams    streams that must exist
     * @param seriesEndsPerStream SERIES_END records each must hold
     * @return whether that many streams each hold that many SERIES_END records
     */
    public boolean allStreamsEnded(int expectedStreams, int seriesEndsPerStream) {
        File[] dirs = journalDirectory.listFiles(File::isDirectory);
        if (dirs == null) {
            return false;
        }
        int done = 0;
        for (File d : dirs) {
            if (d.getName().startsWith(".")) {
                continue;
            }
            Scan scan = scans.computeIfAbsent(d.getName(), k -> new Scan(d, settings));
            while (scan.seriesEnds < seriesEndsPerStream && scan.tailer.poll((index, buffer, offset, length) -> {
                if (header.wrap(buffer, offset, length) && header.messageType() == MessageType.SERIES_END) {
                    scan.seriesEnds++;
                }
            }) > 0) {
                // keep scanning
            }
            if (scan.seriesEnds >= seriesEndsPerStream) {
                done++;
            }
        }
        return done >= expectedStreams;
    }

    @Override
    public void close() {
        for (Scan s : scans.values()) {
            s.tailer.close();
            s.journal.close();
        }
        scans.clear();
    }
}
