package io.beamflow.ingest.testutil;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/** Reads a whole journal back for assertions. */
public final class JournalRecords {
    private JournalRecords() {
    }

    /** One journal record, decoded; {@code codec} says how a frame's body is encoded. */
    public record Rec(long index, MessageType type, String seriesId, long frameNumber, int moduleIndex,
            int moduleCount, int width, int height, int pixelType, long receiveTimeNs, long payloadLength, byte[] body,
            PayloadCodec codec) {
        /** @return a frame's pixels: its body, decompressed when it was journaled compressed */
        public byte[] pixels() {
            if (codec == PayloadCodec.RAW) {
                return body;
            }
            PixelType type = PixelType.fromCode(pixelType);
            byte[] out = new byte[width * height * type.bytes()];
            new BitshuffleLz4Codec().decompress(body, 0, body.length, type.bytes(), out, 0);
            return out;
        }
    }

    /** @return all records of the journal in {@code dir} */
    public static List<Rec> readAll(Path dir) {
        List<Rec> out = new ArrayList<>();
        try (FrameJournal j = FrameJournal.open(JournalConfig.of(dir)); JournalTailer t = j.tailer(FrameJournal.FIRST)) {
            NativeHeaderFlyweight f = new NativeHeaderFlyweight();
            while (t.poll((index, rec, off, len) -> {
                byte[] copy = new byte[len];
                rec.getBytes(off, copy);
                UnsafeBuffer b = new UnsafeBuffer(copy);
                f.wrap(b, 0, len);
                int hl = f.encodedLength();
                byte[] body = new byte[len - hl];
                System.arraycopy(copy, hl, body, 0, body.length);
                out.add(new Rec(index, f.messageType(), f.seriesId(), f.frameNumber(), f.moduleIndex(), f.moduleCount(),
                        f.width(), f.height(), f.pixelTypeCode(), f.receiveTimeNs(), f.payloadLength(), body,
                        f.payloadCodec()));
            }) > 0) {
                // keep reading
            }
        }
        return out;
    }

    /** @return only the FRAME records */
    public static List<Rec> frames(List<Rec> all) {
        return all.stream().filter(r -> r.type() == MessageType.FRAME).toList();
    }
}
