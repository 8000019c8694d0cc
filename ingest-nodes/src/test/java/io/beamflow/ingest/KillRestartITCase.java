package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import io.beamflow.ingest.testutil.IngestNodeProcessMain;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.NativeFrameSender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an ingest node process with SIGKILL in the middle of a series, restarts it on the same
 * journal, and checks that every frame it had counted as journaled is still there, bit-exact, and that
 * the restarted node continues the same journal.
 */
class KillRestartITCase {
    @TempDir
    Path tmp;

    private static final int W = 256;
    private static final int H = 256;

    /** A child JVM running {@link IngestNodeProcessMain}; its output goes to a file that survives SIGKILL. */
    private static final class NodeProcess implements AutoCloseable {
        final ChildJvm jvm;
        /** The endpoint the node bound, from its {@code READY} line. */
        final String endpoint;

        NodeProcess(String endpoint, Path journal, Path output) {
            jvm = ChildJvm.builder(IngestNodeProcessMain.class.getName()).jvmArgs("-Xmx512m")
                    .args(endpoint, journal.toString()).output(output).start();
            this.endpoint = jvm.awaitLine("READY", l -> l.startsWith("READY ")).substring(6);
        }

        /** @return the highest journaled-frame count the node printed, -1 before any */
        long journaled() {
            return jvm.lastLine(l -> l.startsWith("JOURNALED ")).map(l -> Long.parseLong(l.substring(10)))
                    .orElse(-1L);
        }

        String output() {
            return jvm.outputTail(80);
        }

        void kill9() {
            jvm.kill9(); // SIGKILL on Linux
        }

        @Override
        public void close() {
            jvm.close();
        }
    }

    @Test
    void shouldKeepEveryFrameCountedAsJournaledAcrossKillNineAndContinueTheJournal() throws Exception {
        Path journalRoot = tmp.resolve("journal");
        String endpoint;
        Path journal;
        int total = 600;
        long countedBeforeKill;
        CountDownLatch killed = new CountDownLatch(1);
        Thread senderThread;
        try (NodeProcess first = new NodeProcess("tcp://127.0.0.1:*", journalRoot, tmp.resolve("first.log"))) {
            // The first node binds a port the system chooses; the restarted one binds that port again, and a
            // wildcard endpoint's journal is named after its bound port, so both use the same journal.
            endpoint = first.endpoint;
            journal = journalRoot.resolve(io.beamflow.ingest.receive.ReceiveSockets.streamId(endpoint));
            String target = endpoint;
            // The DAQ sends until the node dies. What it had queued for the dead connection is lost with it
            // (whether JeroMQ notices the death before its queue takes the rest depends on timing), so the
            // DAQ reconnects to the restarted node below and sends the series again from its first frame.
            senderThread = new Thread(() -> {
                try (NativeFrameSender s = new NativeFrameSender(target)) {
                    s.socket().setLinger(0);
                    s.socket().setSendTimeOut(1_000);
                    s.send(NativeFrameSender.header(MessageType.SERIES_START, "crash", 0, 0, 1, W, H, PixelType.UINT16, 2),
                            "{}".getBytes(StandardCharsets.UTF_8));
                    for (int f = 0; f < total && killed.getCount() > 0; f++) {
                        s.frame("crash", f, W, H);
                        Thread.sleep(2);
                    }
                    // Closing (linger 0) drops whatever is still queued. All frames can be queued before the
                    // first is delivered (a connection JeroMQ recovers only by its handshake timer), so the
                    // socket stays open until the node is killed.
                    killed.await();
                } catch (AssertionError sendTimedOut) {
                    // no node to send to: it was killed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sender");
            senderThread.start();
            Await.until(first::output, () -> first.journaled() >= 150);
            first.kill9();
            killed.countDown();
            countedBeforeKill = first.journaled();
            senderThread.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!senderThread.isAlive(), "the sender stopped after the kill");
        }
        List<Rec> afterKill = JournalRecords.frames(JournalRecords.readAll(journal));
        assertTrue(afterKill.size() >= countedBeforeKill, "journal has " + afterKill.size()
                + " frames, node had counted " + countedBeforeKill);
        long lastIndexBeforeRestart = afterKill.get(afterKill.size() - 1).index();

        try (NodeProcess second = new NodeProcess(endpoint, journalRoot, tmp.resolve("second.log"));
                NativeFrameSender s = new NativeFrameSender(endpoint)) {
            // Frames the node journaled before its crash come again: they must not be journaled twice.
            for (int f = 0; f < total; f++) {
                s.frame("crash", f, W, H);
            }
            s.frame("crash", 0, W, H);
            s.send(NativeFrameSender.header(MessageType.SERIES_END, "crash", 0, 0, 1, W, H, PixelType.UINT16, total));
            Await.until(second::output, () -> {
                List<Rec> all = JournalRecords.readAll(journal);
                return !all.isEmpty() && all.get(all.size() - 1).type() == MessageType.SERIES_END;
            });
        }
        List<Rec> all = JournalRecords.readAll(journal);
        List<Rec> frames = JournalRecords.frames(all);
        // Everything counted before the kill is still there, in order, bit-exact.
        for (int i = 0; i < countedBeforeKill; i++) {
            Rec r = frames.get(i);
            assertEquals(i, r.frameNumber());
            assertArrayEquals(NativeFrameSender.payload(i, W, H), r.body(), "frame " + i);
        }
        // The restarted node appended to the same journal, after the old records.
        Rec end = all.get(all.size() - 1);
        assertTrue(end.index() > lastIndexBeforeRestart);
        Set<Long> seen = new HashSet<>();
        long previous = -1;
        for (Rec r : frames) {
            assertTrue(seen.add(r.frameNumber()), "frame " + r.frameNumber() + " journaled twice");
            assertTrue(r.frameNumber() > previous, "frames in order");
            previous = r.frameNumber();
            assertArrayEquals(NativeFrameSender.payload(r.frameNumber(), W, H), r.body());
        }
        assertTrue(frames.get(frames.size() - 1).frameNumber() == total - 1, "last frame arrived after restart");
    }
}
