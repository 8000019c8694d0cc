package io.beamflow.app.pipeline;

import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;

/** Writes series of small uint16 frames into a journal stream as an ingest node would, for job tests. */
final class SeriesJournal implements AutoCloseable {
    private final FrameJournal journal;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[256]);
    private final int width;
    private final int height;

    /**
     * @param stream the stream's journal directory
     * @param width  frame width
     * @param height frame height
     */
    SeriesJournal(Path stream, int width, int height) {
        this.journal = FrameJournal.open(JournalConfig.of(stream));
        this.width = width;
        this.height = height;
    }

    /** Appends SERIES_START with the given metadata, received at {@code receivedNs} (ns since the epoch). */
    void start(String series, String metadataJson, long receivedNs) {
        marker(MessageType.SERIES_START, series, 0, metadataJson, receivedNs);
    }

    /** Appends frame {@code number}: its pixels' low bytes are {@code i + number}. */
    void frame(String series, long number, long receivedNs) {
        byte[] pixels = new byte[width * height * 2];
        for (int i = 0; i < pixels.length; i += 2) {
            pixels[i] = (byte) (i + number);
        }
        FrameHeader h = new FrameHeader(series, number, 0, 1, width, height, PixelType.UINT16, number * 1_000_000L,
                receivedNs);
        int n = NativeHeaderFlyweight.encodeFrame(header, 0, h);
        journal.append(header.byteArray(), 0, n, pixels, 0, pixels.length);
    }

    /** Appends module {@code module}'s part (of {@code modules}) of frame {@code number}, pixels as {@link #frame}'s. */
    void part(String series, long number, int module, int modules, long receivedNs) {
        byte[] pixels = new byte[width * height * 2];
        for (int i = 0; i < pixels.length; i += 2) {
            pixels[i] = (byte) (i + number);
        }
        FrameHeader h = new FrameHeader(series, number, module, modules, width, height, PixelType.UINT16,
                number * 1_000_000L, receivedNs);
        int n = NativeHeaderFlyweight.encodeFrame(header, 0, h);
        journal.append(header.byteArray(), 0, n, pixels, 0, pixels.length);
    }

    /** Appends SERIES_END announcing {@code frames}. */
    void end(String series, long frames, long receivedNs) {
        marker(MessageType.SERIES_END, series, frames, "", receivedNs);
    }

    /** Appends a whole series: start (metadata with the frame shape), frames 0..frames-1, end. */
    void series(String series, int frames, long receivedNs) {
        start(series, "{\"width\":" + width + ",\"height\":" + height + "}", receivedNs);
        for (int f = 0; f < frames; f++) {
            frame(series, f, receivedNs);
        }
        end(series, frames, receivedNs);
    }

    private void marker(MessageType type, String series, long count, String json, long receivedNs) {
        int n = NativeHeaderFlyweight.encode(header, 0, type, series, 0, 0, 1, 1, 1, PixelType.UINT16, 0, receivedNs,
                count);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        journal.append(header.byteArray(), 0, n, body, 0, body.length);
    }

    @Override
    public void close() {
        journal.close();
    }
}
