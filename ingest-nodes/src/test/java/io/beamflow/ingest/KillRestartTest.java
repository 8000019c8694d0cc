package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.ingest.testutil.Await;
import io.beamflow.ingest.testutil.IngestNodeProcessMain;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.ingest.testutil.NativeSender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills an ingest node process with SIGKILL in the middle of a series, restarts it on the same
 * journal, and checks that every frame it had counted as journaled is still there, bit-exact, and that
 * the restarted node continues the same journal.
 */
class KillRestartTest {
    @TempDir
    Path tmp;

    private static final int W = 256;
    private static final int H = 256;

    /** A child JVM running {@link IngestNodeProcessMain}, with the highest counter it printed. */
    private static final class NodeProcess implements AutoCloseable {
        final Process process;
        final AtomicLong journaled = new AtomicLong(-1);
        final AtomicBoolean ready = new AtomicBoolean();
        final List<String> output = new ArrayList<>();

        NodeProcess(String endpoint, Path journal) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add("-Xmx512m");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(IngestNodeProcessMain.class.getName());
            cmd.add(endpoint);
            cmd.add(journal.toString());
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (output) {
                            output.add(line);
                        }
                        if (line.equals("READY")) {
                            ready.set(true);
                        } else if (line.startsWith("JOURNALED ")) {
                            journaled.set(Long.parseLong(line.substring(10)));
                        }
                    }
                } catch (IOException e) {
                    // process gone
                }
            }, "node-output");
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            synchronized (output) {
                return String.join("\n", output.subList(Math.max(0, output.size() - 30), output.size()));
            }
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "killed node exited");
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void shouldKeepEveryFrameCountedAsJournaledAcrossKillNineAndContinueTheJournal() throws Exception {
        String endpoint = "tcp://127.0.0.1:" + Await.freePort();
        Path journalRoot = tmp.resolve("journal");
        Path journal = journalRoot.resolve(io.beamflow.ingest.receive.ReceiveSockets.streamId(endpoint));
        int total = 600;
        long countedBeforeKill;
        AtomicLong sentUpTo = new AtomicLong(-1);
        AtomicBoolean stopSending = new AtomicBoolean();
        Thread senderThread;
        try (NodeProcess first = new NodeProcess(endpoint, journalRoot)) {
            Await.until(60, first::output, first.ready::get);
            senderThread = new Thread(() -> {
                try (NativeSender s = new NativeSender(endpoint)) {
                    s.send(NativeSender.header(MessageType.SERIES_START, "crash", 0, 0, 1, W, H, PixelType.UINT16, 2),
                            "{}".getBytes(StandardCharsets.UTF_8));
                    for (int f = 0; f < total && !stopSending.get(); f++) {
                        s.frame("crash", f, W, H);
                        sentUpTo.set(f);
                        Thread.sleep(2);
                    }
                    s.send(NativeSender.header(MessageType.SERIES_END, "crash", 0, 0, 1, W, H, PixelType.UINT16,
                            total));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sender");
            senderThread.start();
            Await.until(60, first::output, () -> first.journaled.get() >= 150);
            first.kill9();
            countedBeforeKill = first.journaled.get();
        }
        List<Rec> afterKill = JournalRecords.frames(JournalRecords.readAll(journal));
        assertTrue(afterKill.size() >= countedBeforeKill, "journal has " + afterKill.size()
                + " frames, node had counted " + countedBeforeKill);
        long lastIndexBeforeRestart = afterKill.get(afterKill.size() - 1).index();

        try (NodeProcess second = new NodeProcess(endpoint, journalRoot)) {
            Await.until(60, second::output, second.ready::get);
            senderThread.join(TimeUnit.SECONDS.toMillis(60));
            stopSending.set(true);
            assertTrue(!senderThread.isAlive(), "sender finished");
            Await.until(60, second::output, () -> {
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
            assertArrayEquals(NativeSender.payload(i, W, H), r.body(), "frame " + i);
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
            assertArrayEquals(NativeSender.payload(r.frameNumber(), W, H), r.body());
        }
        assertTrue(frames.get(frames.size() - 1).frameNumber() == total - 1, "last frame arrived after restart");
    }
}
