package io.beamflow.reduce.flink;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/** Writes simulated series into a journal directory, as an ingest node would. */
final class JournalFixture implements AutoCloseable {
    private final FrameJournal journal;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[256]);

    JournalFixture(Path journalRoot, String streamId) {
        this.journal = FrameJournal.open(JournalConfig.of(journalRoot.resolve(streamId)));
    }

    void seriesStart(String seriesId, String json) {
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, seriesId, 0, 0, 1, 1, 1,
                PixelType.UINT16, 0, 0, 0);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        journal.append(header.byteArray(), 0, n, body, 0, body.length);
    }

    void frame(String seriesId, long frameNumber, int module, int modules, int width, int height, byte[] pixels) {
        FrameHeader h = new FrameHeader(seriesId, frameNumber, module, modules, width, height, PixelType.UINT16,
                frameNumber * 1_000_000L, System.nanoTime());
        int n = NativeHeaderFlyweight.encodeFrame(header, 0, h);
        journal.append(header.byteArray(), 0, n, pixels, 0, pixels.length);
    }

    /**
     * Appends a uint16 frame as an ingest node journals a bitshuffle+LZ4 frame it received: compressed, with a
     * version-2 header.
     *
     * @return the compressed body
     */
    byte[] compressedFrame(String seriesId, long frameNumber, int module, int modules, int width, int height,
            byte[] pixels) {
        byte[] enc = new byte[BitshuffleLz4Codec.maxCompressedLength(pixels.length, 2)];
        byte[] body = java.util.Arrays.copyOf(enc, new BitshuffleLz4Codec().compress(pixels, 0, pixels.length, 2, enc, 0));
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, seriesId, frameNumber, module, modules,
                width, height, PixelType.UINT16, frameNumber * 1_000_000L, System.nanoTime(), body.length,
                PayloadCodec.BSLZ4);
        journal.append(header.byteArray(), 0, n, body, 0, body.length);
        return body;
    }

    void seriesEnd(String seriesId, long frames) {
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, seriesId, 0, 0, 1, 1, 1,
                PixelType.UINT16, 0, 0, frames);
        journal.append(header.byteArray(), 0, n, new byte[0], 0, 0);
    }

    /** Writes a whole simulated series and returns the frames written. */
    SimulatedFrame[] series(String seriesId, FrameSynthesizer synth, int frames) {
        SimulatedFrame[] out = new SimulatedFrame[frames];
        seriesStart(seriesId, "{\"frames\":" + frames + "}");
        for (int i = 0; i < frames; i++) {
            out[i] = synth.frame(i);
            frame(seriesId, i, 0, 1, synth.parameters().width(), synth.parameters().height(),
                    FrameSynthesizer.toLittleEndianBytes(out[i]));
        }
        seriesEnd(seriesId, frames);
        return out;
    }

    @Override
    public void close() {
        journal.close();
    }
}
