package io.beamflow.testing;

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

/**
 * A detector (module) sender for tests: native-protocol messages, well-formed or not, over a JeroMQ
 * socket (PUSH connecting to an ingest node by default; PUB or binding on request).
 *
 * <pre>{@code
 * try (NativeFrameSender s = new NativeFrameSender(node.boundEndpoints().get(0))) {
 *     s.seriesStart("s1", 1, "{}");
 *     s.frame("s1", 0, 64, 64);
 *     s.seriesEnd("s1", 0, 1, 1);
 * }
 * }</pre>
 */
public final class NativeFrameSender implements AutoCloseable {
    /** How long a send may block (no peer, high-water mark reached) before the test fails. */
    public static final int SEND_TIMEOUT_MS = 30_000;

    private final ZContext context = new ZContext(1);
    private final ZMQ.Socket socket;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[256]);

    /**
     * Connects a PUSH socket to {@code endpoint}.
     *
     * @param endpoint the ingest node's receive endpoint
     */
    public NativeFrameSender(String endpoint) {
        this(endpoint, SocketType.PUSH, false);
    }

    /**
     * Opens a socket of {@code type}, binding or connecting to {@code endpoint}.
     *
     * @param endpoint where to bind or connect
     * @param type     PUSH or PUB
     * @param bind     whether to bind (else connect)
     */
    public NativeFrameSender(String endpoint, SocketType type, boolean bind) {
        this(endpoint, type, bind, 1000, 0);
    }

    /**
     * Opens a socket with a send high-water mark and kernel send buffer, then binds or connects.
     *
     * @param endpoint          where to bind or connect
     * @param type              PUSH or PUB
     * @param bind              whether to bind (else connect)
     * @param sendHighWaterMark messages queued before a send blocks
     * @param sendBufferBytes   kernel send buffer, 0: the default
     */
    public NativeFrameSender(String endpoint, SocketType type, boolean bind, int sendHighWaterMark,
            int sendBufferBytes) {
        context.setLinger(SEND_TIMEOUT_MS);
        socket = context.createSocket(type);
        socket.setSndHWM(sendHighWaterMark);
        if (sendBufferBytes > 0) {
            socket.setSendBufferSize(sendBufferBytes);
        }
        socket.setSendTimeOut(SEND_TIMEOUT_MS);
        socket.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS); // recovers JeroMQ's occasional stuck connect
        if (bind) {
            socket.bind(endpoint);
        } else {
            socket.connect(endpoint);
        }
    }

    /**
     * @param type           message type
     * @param series         series id
     * @param frame          frame number
     * @param module         module index
     * @param modules        modules of the detector
     * @param w              width
     * @param h              height
     * @param pt             pixel type
     * @param payloadOrCount payload bytes (FRAME) or frame count (SERIES_END)
     * @return an encoded native header
     */
    public static byte[] header(MessageType type, String series, long frame, int module, int modules, int w, int h,
            PixelType pt, long payloadOrCount) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        int n = NativeHeaderFlyweight.encode(b, 0, type, series, frame, module, modules, w, h, pt, 1L, 0L,
                payloadOrCount);
        return Arrays.copyOf(b.byteArray(), n);
    }

    /**
     * @param frame frame number
     * @param w     width
     * @param h     height
     * @return deterministic little-endian uint16 pixels of a frame
     */
    public static byte[] payload(long frame, int w, int h) {
        byte[] p = new byte[w * h * 2];
        long x = frame * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < p.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            p[i] = (byte) x;
        }
        return p;
    }

    /**
     * Sends SERIES_START with its JSON metadata.
     *
     * @param seriesId series id
     * @param modules  modules of the detector
     * @param json     series metadata
     */
    public void seriesStart(String seriesId, int modules, String json) {
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, seriesId, 0, 0, modules, 1, 1,
                PixelType.UINT16, 0, 0, 0);
        send(Arrays.copyOf(header.byteArray(), n), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a well-formed single-module frame with {@link #payload} pixels.
     *
     * @param series series id
     * @param frame  frame number
     * @param w      width
     * @param h      height
     */
    public void frame(String series, long frame, int w, int h) {
        send(header(MessageType.FRAME, series, frame, 0, 1, w, h, PixelType.UINT16, (long) w * h * 2),
                payload(frame, w, h));
    }

    /**
     * Sends one module's part of a frame.
     *
     * @param seriesId    series id
     * @param frameNumber frame number
     * @param module      module index
     * @param modules     modules of the detector
     * @param width       width
     * @param height      height
     * @param pixels      little-endian uint16 pixels
     */
    public void frame(String seriesId, long frameNumber, int module, int modules, int width, int height,
            byte[] pixels) {
        FrameHeader h = new FrameHeader(seriesId, frameNumber, module, modules, width, height, PixelType.UINT16,
                frameNumber * 1_000_000L, 0);
        int n = NativeHeaderFlyweight.encodeFrame(header, 0, h);
        send(Arrays.copyOf(header.byteArray(), n), pixels);
    }

    /**
     * Sends SERIES_END with the number of frames sent.
     *
     * @param seriesId series id
     * @param module   module index
     * @param modules  modules of the detector
     * @param frames   frames sent
     */
    public void seriesEnd(String seriesId, int module, int modules, long frames) {
        int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, seriesId, 0, module, modules, 1, 1,
                PixelType.UINT16, 0, 0, frames);
        send(Arrays.copyOf(header.byteArray(), n));
    }

    /**
     * Sends a multipart message made of {@code parts}.
     *
     * @param parts the message parts
     * @throws AssertionError when a part cannot be sent within the send timeout
     */
    public void send(byte[]... parts) {
        for (int i = 0; i < parts.length; i++) {
            if (!socket.send(parts[i], i < parts.length - 1 ? ZMQ.SNDMORE : 0)) {
                throw new AssertionError("send timed out");
            }
        }
    }

    /** @return the socket (e.g. to change its options) */
    public ZMQ.Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        context.close();
    }
}
