package io.beamflow.bench.ingest;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.ZmqHandshake;
import io.beamflow.ingest.IngestNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Ingest throughput against its two raw ceilings, measured in one run: (1) JeroMQ PUSH/PULL over
 * loopback with the same 2-part messages, (2) sequential write bandwidth of the journal's directory
 * into a new file (what {@code dd bs=1M of=new-file} does), and (3) the ingest node (receive, validate,
 * journal) fed by the same sender. The figure of merit is (3) / min((1), (2)); target >= 0.90.
 *
 * <pre>bench io.beamflow.bench.ingest.IngestThroughputBenchmark [--bytes-per-run N] [--repeats R] [--warmups W]
 *     [--frame-mib 1|4] [--receive-hwm N] [--receive-buffer BYTES] [--receive-memory-mib M]
 *     [--heap-sender] [--verbose] dir...</pre>
 * Default directories: {@code /tmp} (disk) and {@code /dev/shm} (tmpfs).
 */
public final class IngestThroughputBenchmark {
    private static final int WRITE_BLOCK = 1 << 20;
    /** The node's receive high-water mark (messages), {@code --receive-hwm}; 0 keeps the configured default. */
    private static int receiveHighWaterMark;
    /** The node's kernel receive buffer (bytes), {@code --receive-buffer}; 0 keeps the configured default. */
    private static int receiveBufferBytes;
    /** The node's receive memory per stream (MiB), {@code --receive-memory-mib}; 0 keeps the configured default. */
    private static long receiveMemoryMib;
    /** {@code --heap-sender}: send payloads from a heap array (JeroMQ then copies them once more, on the sender's side). */
    private static boolean heapSender;
    /** {@code --verbose}: print the node's receive-buffer allocations after each measurement. */
    private static boolean verbose;

    private IngestThroughputBenchmark() {
    }

    /**
     * One measurement: throughput, and CPU seconds spent per gigabyte during it (here the whole process's,
     * sender included, which says what the 2-core machine can give each path).
     */
    record Measured(double gbPerS, double cpuSecondsPerGb) {
        static Measured of(long bytes, long elapsedNs, long processCpuNs) {
            return new Measured(bytes / (double) elapsedNs, processCpuNs / (double) bytes);
        }
    }

    /** One frame size: the 2-part message every measurement sends. */
    private record FrameShape(int width, int height) {
        int bytes() {
            return width * height * 2;
        }
    }

    /**
     * @param args options and directories
     */
    public static void main(String[] args) throws Exception {
        int frameMib = 0;
        long bytesPerRun = 2L << 30;
        int repeats = 7;
        int warmups = 1;
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bytes-per-run" -> bytesPerRun = Long.parseLong(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                case "--receive-hwm" -> receiveHighWaterMark = Integer.parseInt(args[++i]);
                case "--verbose" -> verbose = true;
                case "--receive-memory-mib" -> receiveMemoryMib = Long.parseLong(args[++i]);
                case "--heap-sender" -> heapSender = true;
                case "--receive-buffer" -> receiveBufferBytes = Integer.parseInt(args[++i]);
                case "--frame-mib" -> frameMib = Integer.parseInt(args[++i]);
                default -> dirs.add(Path.of(args[i]));
            }
        }
        if (dirs.isEmpty()) {
            dirs = List.of(Path.of("/tmp"), Path.of("/dev/shm"));
        }
        List<FrameShape> shapes = frameMib == 1 ? List.of(new FrameShape(1024, 512))
                : frameMib == 4 ? List.of(new FrameShape(2048, 1024))
                : List.of(new FrameShape(1024, 512), new FrameShape(2048, 1024));
        System.out.printf(Locale.ROOT, "# ingest throughput, %d MiB per measurement, median of %d interleaved repetitions after %d "
                + "untimed, GB/s = 1e9 B/s%n", bytesPerRun >> 20, repeats, warmups);
        System.out.println("| journal dir | frame | raw JeroMQ | raw new-file write | ingest node | ingest / min(raw), median (min..max) |");
        System.out.println("|---|---|---|---|---|---|");
        List<String> cpuRows = new ArrayList<>();
        for (Path dir : dirs) {
            for (FrameShape shape : shapes) {
                int frames = (int) Math.max(16, bytesPerRun / shape.bytes());
                double[] zmq = new double[repeats];
                double[] disk = new double[repeats];
                double[] ingest = new double[repeats];
                double[] ratio = new double[repeats];
                double[][] cpu = new double[3][repeats];
                for (int w = 0; w < warmups; w++) {
                    // untimed: JIT compilation of all three paths, pools and mappings, before the figures count
                    rawJeromq(shape, frames);
                    rawFileWrite(dir, (long) frames * shape.bytes());
                    ingestNode(dir, shape, frames);
                }
                for (int r = 0; r < repeats; r++) {
                    // interleaved, so that each ratio compares figures taken moments apart
                    settle();
                    Measured m = rawJeromq(shape, frames);
                    zmq[r] = m.gbPerS();
                    cpu[0][r] = m.cpuSecondsPerGb();
                    settle();
                    m = rawFileWrite(dir, (long) frames * shape.bytes());
                    disk[r] = m.gbPerS();
                    cpu[1][r] = m.cpuSecondsPerGb();
                    settle();
                    m = ingestNode(dir, shape, frames);
                    ingest[r] = m.gbPerS();
                    cpu[2][r] = m.cpuSecondsPerGb();
                    ratio[r] = ingest[r] / Math.min(zmq[r], disk[r]);
                    if (verbose) {
                        System.out.printf(Locale.ROOT, "#   %s %d MiB repetition %d: raw JeroMQ %.2f, new-file write %.2f, "
                                + "node %.2f GB/s, ratio %.2f; CPU s/GB %.2f, %.2f, %.2f%n", dir, shape.bytes() >> 20,
                                r + 1, zmq[r], disk[r], ingest[r], ratio[r], cpu[0][r], cpu[1][r], cpu[2][r]);
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %d MiB | %.2f GB/s | %.2f GB/s | %.2f GB/s | %.2f (%.2f..%.2f) |%n",
                        dir, shape.bytes() >> 20, median(zmq), median(disk), median(ingest), median(ratio),
                        Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0));
                cpuRows.add(String.format(Locale.ROOT, "| %s | %d MiB | %.2f | %.2f | %.2f | %.2f |", dir,
                        shape.bytes() >> 20, median(cpu[0]), median(cpu[1]), median(cpu[2]), 2 / median(cpu[2])));
            }
        }
        System.out.println();
        System.out.println("# process CPU seconds per GB during each measurement (sender included), medians; the last column is"
                + " what two cores allow the node at that cost");
        System.out.println("| journal dir | frame | raw JeroMQ | raw new-file write | ingest node | 2 cores / node cost |");
        System.out.println("|---|---|---|---|---|---|");
        cpuRows.forEach(System.out::println);
    }

    /**
     * Starts every measurement from the same state: dirty pages of earlier ones written back ({@code sync}),
     * garbage collected, a moment of quiet. Without it a measurement that follows a gigabyte of writes to
     * a disk-backed directory runs into the kernel's write-back throttling and looks 2-4x slower.
     */
    static void settle() throws InterruptedException {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run sync", e);
        }
        System.gc();
        Thread.sleep(500);
    }

    /** CPU time of the process and of each thread at one moment, to report what a measurement used. */
    private record CpuSnapshot(long processNs, Map<Long, Long> threadNs) {
        static CpuSnapshot take() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            mx.setThreadCpuTimeEnabled(true);
            Map<Long, Long> threads = new HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                threads.put(id, mx.getThreadCpuTime(id));
            }
            return new CpuSnapshot(processCpuNs(), threads);
        }

        static long processCpuNs() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /** Prints the CPU each busy thread and the whole process used since this snapshot, per wall time. */
        void print(String label, long elapsedNs) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            StringBuilder sb = new StringBuilder("#   thread CPU / wall:");
            for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (t == null) {
                    continue;
                }
                Long was = threadNs.get(t.getThreadId());
                long used = mx.getThreadCpuTime(t.getThreadId()) - (was == null || was < 0 ? 0L : was);
                if (used > elapsedNs / 20) {
                    long user = mx.getThreadUserTime(t.getThreadId());
                    sb.append(String.format(Locale.ROOT, " %s %.2f (user so far %.1f s of %.1f s)", t.getThreadName(),
                            used / (double) elapsedNs, user / 1e9, mx.getThreadCpuTime(t.getThreadId()) / 1e9));
                }
            }
            System.out.println(sb);
            System.out.printf(Locale.ROOT, "#   %sprocess CPU / wall %.2f (sender included)%n", label,
                    (processCpuNs() - processNs) / (double) elapsedNs);
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code frames} native FRAME messages as fast as possible from its own thread. The pixels go
     * out of a direct buffer, as a detector's sender on another host would not cost this host a copy;
     * {@code --heap-sender} sends them from a byte array instead.
     */
    private static Thread startSender(String endpoint, FrameShape shape, int frames, String series) {
        Thread t = new Thread(() -> {
            try (ZContext ctx = new ZContext(1)) {
                ctx.setLinger(60_000);
                ZMQ.Socket s = ctx.createSocket(SocketType.PUSH);
                s.setSndHWM(64);
                s.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS);
                s.connect(endpoint);
                byte[] payload = new byte[shape.bytes()];
                new SplittableRandom(1).nextBytes(payload);
                ByteBuffer direct = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
                UnsafeBuffer header = new UnsafeBuffer(new byte[128]);
                for (int f = 0; f < frames; f++) {
                    int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, series, f, 0, 1, shape.width(),
                            shape.height(), PixelType.UINT16, 0, 0, payload.length);
                    s.send(header.byteArray(), 0, hl, ZMQ.SNDMORE);
                    if (heapSender) {
                        s.send(payload, 0);
                    } else {
                        // JeroMQ sends a duplicate of the buffer: the same pixels every time, no copy
                        s.sendByteBuffer(direct, 0);
                    }
                }
            }
        }, "bench-sender");
        t.start();
        return t;
    }

    /** @return GB/s of payload through a plain JeroMQ PULL socket */
    static Measured rawJeromq(FrameShape shape, int frames) throws InterruptedException {
        String endpoint = "tcp://127.0.0.1:" + freePort();
        try (ZContext ctx = new ZContext(1)) {
            ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
            pull.setRcvHWM(1000);
            pull.bind(endpoint);
            CpuSnapshot cpuBefore = CpuSnapshot.take();
            Thread sender = startSender(endpoint, shape, frames, "raw");
            long bytes = 0;
            long start = 0;
            long cpuStart = 0;
            for (int f = 0; f < frames; f++) {
                byte[] h = pull.recv(0);
                if (f == 0) {
                    start = System.nanoTime();
                    cpuStart = CpuSnapshot.processCpuNs();
                }
                byte[] p = pull.recv(0);
                bytes += h.length > 0 ? p.length : 0;
            }
            long elapsed = System.nanoTime() - start;
            long cpu = CpuSnapshot.processCpuNs() - cpuStart;
            if (verbose) {
                cpuBefore.print("raw JeroMQ: ", elapsed);
            }
            sender.join();
            // the first frame only starts the clock
            return Measured.of(bytes - shape.bytes(), elapsed, cpu);
        }
    }

    /** @return GB/s writing a new file sequentially in 1 MiB blocks (as dd bs=1M does; no fsync) */
    static Measured rawFileWrite(Path dir, long bytes) throws IOException {
        Path file = dir.resolve("beamflow-bench-" + System.nanoTime() + ".dat");
        ByteBuffer block = ByteBuffer.allocateDirect(WRITE_BLOCK);
        byte[] fill = new byte[WRITE_BLOCK];
        new SplittableRandom(2).nextBytes(fill);
        block.put(fill).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            long cpuStart = CpuSnapshot.processCpuNs();
            for (long written = 0; written < bytes; written += WRITE_BLOCK) {
                block.rewind();
                while (block.hasRemaining()) {
                    ch.write(block);
                }
            }
            long elapsed = System.nanoTime() - start;
            return Measured.of(bytes, elapsed, CpuSnapshot.processCpuNs() - cpuStart);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** @return GB/s of payload received, validated and journaled by an ingest node */
    static Measured ingestNode(Path dir, FrameShape shape, int frames) throws Exception {
        Path journal = Files.createTempDirectory(dir, "beamflow-bench-journal");
        String endpoint = "tcp://127.0.0.1:" + freePort();
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(endpoint);
        c.journalDirectory = journal.toString();
        c.journalMinFreeBytes = 256L << 20;
        if (receiveBufferBytes > 0) {
            c.receiveBufferBytes = receiveBufferBytes;
        }
        if (receiveHighWaterMark > 0) {
            c.receiveHighWaterMark = receiveHighWaterMark;
        }
        if (receiveMemoryMib > 0) {
            c.receiveMemoryBytes = receiveMemoryMib << 20;
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (IngestNode node = IngestNode.start(c, registry)) {
            CpuSnapshot cpuBefore = CpuSnapshot.take();
            Thread sender = startSender(endpoint, shape, frames, "bench");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (node.framesJournaled() == 0) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            long cpuStart = CpuSnapshot.processCpuNs();
            long startFrames = node.framesJournaled();
            while (node.framesJournaled() < frames) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ingest node stalled: " + node.formatSummary());
                }
                Thread.sleep(0, 200_000);
            }
            long elapsed = System.nanoTime() - start;
            long cpu = CpuSnapshot.processCpuNs() - cpuStart;
            sender.join();
            if (verbose) {
                System.out.printf(Locale.ROOT, "#   node: %d receive buffers allocated for %d frames; socket not read "
                        + "for want of receive memory %d times, %.2f s%n",
                        (long) registry.get(MetricNames.INGEST_RECEIVE_BUFFERS_ALLOCATED).functionCounter().count(),
                        frames, (long) registry.get(MetricNames.INGEST_RECEIVE_MEMORY_WAITS).functionCounter().count(),
                        registry.get(MetricNames.INGEST_RECEIVE_MEMORY_WAIT).functionCounter().count());
                cpuBefore.print("", elapsed);
            }
            return Measured.of((frames - startFrames) * (long) shape.bytes(), elapsed, cpu);
        } finally {
            try (Stream<Path> files = Files.walk(journal)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
