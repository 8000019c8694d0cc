package io.beamflow.bench.chaos;

import io.beamflow.testing.NativeFrameSender;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The drill's detector: sends SERIES_START, frames 0..N-1 (native protocol, {@link NativeFrameSender#payload}
 * pixels) at a set rate and SERIES_END. When the ingest node dies it drops what it had queued for it; when the
 * node was restarted it connects to the new one and sends the series again from its start (a DAQ cannot know
 * what the dead node had journaled; the node rejects what it already has), at full speed up to where it was.
 */
final class DaqSender implements Runnable {
    /** A send that blocks this long (node dead, queue full) is retried after checking for a restart. */
    private static final int SEND_TIMEOUT_MS = 200;

    private final DrillSettings settings;
    private volatile String endpoint;
    private volatile int generation;
    private volatile long firstSent;
    private volatile boolean endSent;
    private volatile boolean stop;
    private volatile boolean nodeDown;
    private volatile boolean socketDropped;
    private volatile Throwable failure;
    private volatile int resends;

    /** @param settings the drill */
    DaqSender(DrillSettings settings) {
        this.settings = settings;
    }

    /**
     * Tells the sender that its node died (a real DAQ sees its connection drop): it discards what it had queued
     * for that node (JeroMQ would otherwise deliver it to the restarted node ahead of the frames lost in flight,
     * which the node then refuses as going backwards) and sends nothing until {@link #nodeStarted}.
     */
    synchronized void nodeDied() {
        nodeDown = true;
        socketDropped = false;
        endSent = false;
    }

    /** @return whether the sender dropped its connection to the dead node */
    boolean socketDropped() {
        return socketDropped;
    }

    /**
     * Points the sender at a (re)started ingest node: it reconnects and sends the series again from its start.
     *
     * @param boundEndpoint the node's endpoint
     */
    synchronized void nodeStarted(String boundEndpoint) {
        endpoint = boundEndpoint;
        endSent = false; // not finished before the new node has the whole series
        nodeDown = false;
        generation++;
    }

    /** @return frames sent for the first time so far (the frame number reached) */
    long framesSent() {
        return firstSent;
    }

    /** @return whether every frame and the SERIES_END went out at least once to the current node */
    boolean finished() {
        return endSent;
    }

    /** @return how often the series was sent again after a node restart */
    int resends() {
        return resends;
    }

    /** @return the error that ended the sender, if any */
    Throwable failure() {
        return failure;
    }

    /** Ends the sender. */
    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        try {
            send();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void send() {
        String series = settings.series();
        long periodNs = settings.rateHz() <= 0 ? 0 : (long) (1e9 / settings.rateHz());
        long start = System.nanoTime();
        NativeFrameSender sender = null;
        int connectedGeneration = 0;
        long next = 0;
        boolean startSent = false;
        try {
            while (!stop) {
                if (nodeDown) {
                    if (sender != null) {
                        sender.socket().setLinger(0); // what the dead node did not take is sent again
                        sender.close();
                        sender = null;
                    }
                    socketDropped = true;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    continue;
                }
                if (connectedGeneration != generation) {
                    if (sender != null) {
                        sender.socket().setLinger(0);
                        sender.close();
                    }
                    if (connectedGeneration > 0) {
                        resends++;
                    }
                    connectedGeneration = generation;
                    sender = new NativeFrameSender(endpoint);
                    sender.socket().setSendTimeOut(SEND_TIMEOUT_MS);
                    next = 0;
                    startSent = false;
                    endSent = false;
                }
                boolean sent;
                if (!startSent) {
                    sent = trySend(sender, s -> s.seriesStart(series, 1, "{\"drill\":\"chaos\",\"seed\":" + settings.seed() + "}"));
                    startSent = sent;
                } else if (next < settings.frames()) {
                    if (next >= firstSent && periodNs > 0) { // first sending: paced
                        long due = start + next * periodNs;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                            continue;
                        }
                    }
                    long n = next;
                    sent = trySend(sender, s -> s.frame(series, n, settings.width(), settings.height()));
                    if (sent) {
                        next++;
                        if (next > firstSent) {
                            firstSent = next;
                        }
                    }
                } else if (!endSent) {
                    if (trySend(sender, s -> s.seriesEnd(series, 0, 1, settings.frames()))) {
                        synchronized (this) {
                            endSent = connectedGeneration == generation; // else a restarted node needs it again
                        }
                    }
                } else {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            }
        } finally {
            if (sender != null) {
                sender.socket().setLinger(0);
                sender.close();
            }
        }
    }

    /** A message to send. */
    private interface Send {
        void to(NativeFrameSender s);
    }

    /** @return whether the message went out; false when the send timed out (the node is down or busy) */
    private static boolean trySend(NativeFrameSender s, Send what) {
        try {
            what.to(s);
            return true;
        } catch (AssertionError timedOut) {
            return false;
        }
    }
}
