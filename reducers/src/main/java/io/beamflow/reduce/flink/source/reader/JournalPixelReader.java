package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.JournalRecordDecoder;
import io.beamflow.reduce.flink.source.JournalSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a frame's pixels out of a local journal by index, for a reduction subtask that received the frame as a
 * reference (its header and journal index) instead of its pixels: the frame crosses the exchange into the
 * reduction as a few hundred bytes, and each subtask copies its frames' pixels straight from the mapped journal.
 * The journal keeps them: cycles are released only below the position of a completed checkpoint, and a frame in
 * flight lies above it. One tailer per journal; not thread-safe (one per subtask).
 */
public final class JournalPixelReader implements AutoCloseable {
    private final JournalSettings settings;
    private final JournalRecordDecoder decoder;
    private final Map<String, Open> journals = new HashMap<>();
    private byte[] found;
    private String lastError = "";

    /** An open journal and its tailer. */
    private record Open(FrameJournal journal, JournalTailer tailer) {
    }

    /**
     * @param settings journal layout
     * @param limits   largest accepted header and frame
     */
    public JournalPixelReader(JournalSettings settings, WireLimits limits) {
        this.settings = settings;
        this.decoder = new JournalRecordDecoder(limits);
    }

    /**
     * @param directory the journal's directory
     * @param index     the frame record's journal index
     * @return its pixels, or {@code null} when the record is gone or not a valid frame (see {@link #lastError()})
     */
    public byte[] read(String directory, long index) {
        Open open = journals.computeIfAbsent(directory, d -> {
            FrameJournal j = FrameJournal.open(settings.config(Path.of(d)));
            return new Open(j, j.tailer(-1));
        });
        found = null;
        if (!open.tailer().moveTo(index)) {
            lastError = "record " + index + " is not in the journal " + directory;
            return null;
        }
        open.tailer().poll((i, buffer, offset, length) -> {
            JournalRecord r = decoder.decode("", i, buffer, offset, length);
            if (r == null) {
                lastError = decoder.lastError();
            } else if (r.type != MessageType.FRAME || r.payload == null) {
                lastError = "record " + i + " is a " + r.type + ", not a frame";
            } else {
                found = r.payload;
            }
        });
        return found;
    }

    /** @return why the last {@link #read} returned {@code null} */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        for (Open o : journals.values()) {
            o.tailer().close();
            o.journal().close();
        }
        journals.clear();
    }
}
