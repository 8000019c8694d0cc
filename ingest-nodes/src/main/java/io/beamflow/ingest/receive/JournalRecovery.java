package io.beamflow.ingest.receive;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.ingest.accounting.StreamAccounting;

/**
 * Rebuilds a stream's per-series, per-module frame-number state from its journal when a node starts
 * on an existing journal, so that frames a sender re-sends after a node restart are rejected as
 * duplicates instead of being journaled twice. Reads only record headers (views of the mapped file).
 */
public final class JournalRecovery {
    private JournalRecovery() {
    }

    /**
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
                    accounting.restoreFrame(f.seriesId(), f.moduleIndex(), f.frameNumber(), index);
                } else if (type != null) {
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
