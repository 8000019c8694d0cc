package io.beamflow.ingest.receive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.ingest.accounting.StreamAccounting;
import java.io.IOException;
import org.agrona.DirectBuffer;

/**
 * Rebuilds a stream's per-series, per-module frame-number state from its journal when a node starts
 * on an existing journal, so that frames a sender re-sends after a node restart are rejected as
 * duplicates instead of being journaled twice, and so that a series' figures and its announced frame count
 * (which the series end reports) survive the restart. Reads record headers (views of the mapped file) and
 * the metadata JSON of series starts.
 */
public final class JournalRecovery {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JournalRecovery() {
    }

    /**
     * @return the {@code announced_frames} of a series-start record's metadata JSON, or -1 when it has none
     */
    static long announcedFrames(DirectBuffer rec, int off, int len) {
        if (len <= 2) {
            return -1;
        }
        int jsonLength = 0;
        while (jsonLength < len && rec.getByte(off + jsonLength) != 0) {
            jsonLength++; // series arrays may follow the JSON after a NUL (SeriesArrays): not read here
        }
        byte[] json = new byte[jsonLength];
        rec.getBytes(off, json);
        try {
            JsonNode n = JSON.readTree(json);
            JsonNode a = n == null ? null : n.get("announced_frames");
            return a != null && a.isIntegralNumber() && a.canConvertToLong() && a.longValue() >= 0 ? a.longValue() : -1;
        } catch (IOException e) {
            return -1; // metadata of another producer (native senders may journal anything): no announcement
        }
    }

    /**
     * Restores the stream's accounting (frame-number state, frames and bytes per series and module, series
     * started and ended, the announced frame count) from every record of its journal.
     *
     * @return records scanned
     */
    public static long restore(FrameJournal journal, StreamAccounting accounting) {
        NativeHeaderFlyweight f = new NativeHeaderFlyweight();
        long[] count = {0};
        try (JournalTailer tailer = journal.tailer(FrameJournal.FIRST)) {
            while (tailer.poll((index, rec, off, len) -> {
                count[0]++;
                if (!f.wrap(rec, off, len) || f.seriesIdLength() <= 0
                        || f.seriesIdLength() > len - NativeHeaderFlyweight.FIXED_LENGTH) {
                    return;
                }
                MessageType type = f.messageType();
                if (type == MessageType.FRAME) {
                    accounting.restoreFrame(f.seriesId(), f.moduleIndex(), f.frameNumber(), f.payloadLength(), index);
                } else if (type != null) {
                    if (type == MessageType.SERIES_START) {
                        long announced = announcedFrames(rec, off + f.encodedLength(), len - f.encodedLength());
                        if (announced >= 0) {
                            accounting.seriesAnnounced(f.seriesId(), announced);
                        }
                    }
                    accounting.restoreSeries(f.seriesId(), f.moduleIndex(), type == MessageType.SERIES_END,
                            f.payloadLength(), index);
                }
            }) > 0) {
                // next record
            }
        }
        return count[0];
    }
}
