package io.beamflow.reduce.testutil;

import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.ZmqHandshake;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A detector module's sender for tests: native protocol messages over a JeroMQ PUSH socket. */
public final class NativeFrameSender implements AutoCloseable {
    private final ZContext context = new ZContext(1);
    private final ZMQ.Socket socket;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[256]);

    /** @param endpoint the ingest node's receive endpoint */
    public NativeFrameSender(String endpoint) {
        socket = context.createSocket(SocketType.PUSH);
        socket.setSendTimeOut(30_000);
        socket.setLinger(30_000);
        socket.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS); // recovers JeroMQ's occasional stuck connect
        socket.connect(endpoint);
    }

    /** Sends SERIES_START with its JSON metadata. */
    public void seriesStart(String seriesId, int modules, String json) {
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, seriesId, 0, 0, modules, 1, 1,
                PixelType.UINT16, 0, 0, 0);
        send(Arrays.copyOf(header.byteArray(), n), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one module's part of a frame (little-endian uint16 pixels). */
    public void frame(String seriesId, long frameNumber, int module, int modules, int width, int height,
            byte[] pixels) {
        FrameHeader h = new FrameHeader(seriesId, frameNumber, module, modules, width, height, PixelType.UINT16,
                frameNumber * 1_000_000L, 0);
        int n = NativeHeaderFlyweight.encodeFrame(header, 0, h);
        send(Arrays.copyOf(header.byteArray(), n), pixels);
    }

    /** Sends SERIES_END with the number of frames sent. */
    public void seriesEnd(String seriesId, int module, int modules, long frames) {
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, seriesId, 0, module, modules, 1, 1,
                PixelType.UINT16, 0, 0, frames);
        send(Arrays.copyOf(header.byteArray(), n));
    }

    private void send(byte[]... parts) {
        for (int i = 0; i < parts.length; i++) {
            if (!socket.send(parts[i], i < parts.length - 1 ? ZMQ.SNDMORE : 0)) {
                throw new AssertionError("send timed out");
            }
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
