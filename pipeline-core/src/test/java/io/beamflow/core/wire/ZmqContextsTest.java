package io.beamflow.core.wire;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/** Closing a JeroMQ context from an interrupted thread, as Flink's task cancellation leaves it. */
class ZmqContextsTest {
    private static ZContext contextWithASocket() {
        ZContext context = new ZContext(1);
        ZMQ.Socket socket = context.createSocket(SocketType.REQ);
        socket.setLinger(0);
        socket.connect("tcp://127.0.0.1:1");
        return context;
    }

    @Test
    void shouldShowThatAPlainCloseFailsOnAnInterruptedThread() {
        ZContext context = contextWithASocket();
        Thread.currentThread().interrupt();
        try {
            assertThrows(ZMQException.class, context::close, "JeroMQ terminates with EINTR");
        } finally {
            Thread.interrupted();
            ZmqContexts.close(context);
        }
    }

    @Test
    void shouldCloseOnAnInterruptedThreadAndKeepTheInterrupt() {
        ZContext context = contextWithASocket();
        Thread.currentThread().interrupt();
        try {
            ZmqContexts.close(context);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is still set for the caller");
            assertTrue(context.isClosed(), "closed");
        } finally {
            Thread.interrupted();
        }
    }
}
