package io.beamflow.core.wire;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMQException;

/**
 * Closes a JeroMQ context from a thread that may have been interrupted. Flink interrupts a task's thread when it
 * cancels the task (a failover), and JeroMQ's context termination then fails with EINTR; thrown from a task's
 * clean-up, that is fatal for the whole TaskManager (the embedded cluster loses its only one and the job cannot
 * restart). The context is closed with the interrupt flag cleared, which is set again afterwards.
 */
public final class ZmqContexts {
    private static final Logger LOG = LoggerFactory.getLogger(ZmqContexts.class);

    private ZmqContexts() {
    }

    /** @param context the context to close; its sockets should have a short linger */
    public static void close(ZContext context) {
        boolean interrupted = Thread.interrupted();
        try {
            context.close();
        } catch (ZMQException e) {
            LOG.warn("closing a ZeroMQ context: {}", e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
