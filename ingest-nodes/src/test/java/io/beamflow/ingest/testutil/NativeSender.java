package io.beamflow.ingest.testutil;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A JeroMQ PUSH sender of native-protocol messages, well-formed or not, for tests. */
public final class NativeSender implements AutoCloseable {
    private final ZContext context = new ZContext(1);
    private final ZMQ.Socket socket;

    /** Connects a PUSH socket to {@code endpoint}. */
    public NativeSender(String endpoint) {
        this(endpoint, SocketType.PUSH, false);
    }

    /** Opens a socket of {@code type}, binding or connecting to {@code endpoint}. */
    public NativeSender(String endpoint, SocketType type, boolean bind) {
        this(endpoint, type, bind, 1000, 0);
    }

    /** Opens a socket with a send high-water mark and kernel send buffer (0: default), then binds or connects. */
    public NativeSender(String endpoint, SocketType type, boolean bind, int sendHighWaterMark, int sendBufferBytes) {
        context.setLinger(10_000);
        socket = context.createSocket(type);
        socket.setSndHWM(sendHighWaterMark);
        if (sendBufferBytes > 0) {
            socket.setSendBufferSize(sendBufferBytes);
        }
        socket.setSendTimeOut(10_000);
        socket.setHandshakeIvl(1_000); // recovers JeroMQ's occasional stuck connect within a second
        if (bind) {
            socket.bind(endpoint);
        } else {
            socket.connect(endpoint);
        }
    }

    /** @return a native header */
    public static byte[] header(MessageType type, String series, long frame, int module, int modules, int w, int h,
            PixelType pt, long payloadOrCount) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        int n = NativeHeaderFlyweight.encode(b, 0, type, series, frame, module, modules, w, h, pt, 1L, 0L,
                payloadOrCount);
        return Arrays.copyOf(b.byteArray(), n);
    }

    /** @return deterministic uint16 payload for a frame */
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

    /** Sends a well-formed frame. */
    public void frame(String series, long frame, int w, int h) {
        send(header(MessageType.FRAME, series, frame, 0, 1, w, h, PixelType.UINT16, (long) w * h * 2),
                payload(frame, w, h));
    }

    /** Sends a multipart message made of {@code parts}. */
    public void send(byte[]... parts) {
        for (int i = 0; i < parts.length; i++) {
            if (!socket.send(parts[i], i < parts.length - 1 ? ZMQ.SNDMORE : 0)) {
                throw new AssertionError("send timed out");
            }
        }
    }

    /** @return the socket */
    public ZMQ.Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        context.close();
    }
}
