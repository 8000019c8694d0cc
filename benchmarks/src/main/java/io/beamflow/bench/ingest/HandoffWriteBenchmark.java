package io.beamflow.bench.ingest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Writing 1 MiB blocks into a new file when the blocks were filled by the writing thread itself, and
 * when another thread filled them (as the ingest node's ZeroMQ I/O thread fills the buffers its
 * receive agent writes). Separates the cost of moving the data between cores from the write itself.
 *
 * <pre>bench io.beamflow.bench.ingest.HandoffWriteBenchmark [dir] [rounds] [MiB per round]</pre>
 */
public final class HandoffWriteBenchmark {
    private static final int BLOCK = 1 << 20;
    private static final int POOL = 32;

    private HandoffWriteBenchmark() {
    }

    /**
     * @param args directory (default /dev/shm), rounds (default 20), MiB per round (default 1024)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/dev/shm");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        double[][] gbps = new double[2][rounds];
        double[][] cpu = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int handoff = 0; handoff < 2; handoff++) {
                IngestThroughputBenchmark.Measured m = round(dir, blocks, handoff == 1);
                gbps[handoff][r] = m.gbPerS();
                cpu[handoff][r] = m.cpuSecondsPerGb();
                Thread.sleep(300);
            }
        }
        System.out.printf(Locale.ROOT, "# %s, %d MiB per round, %d rounds; GB/s of the writing thread, and its CPU "
                + "s/GB (the same-thread figure includes filling the blocks)%n", dir, blocks, rounds);
        System.out.println("| blocks filled by | GB/s min | median | max | writer CPU s/GB median | max | rounds below 0.6 x median |");
        System.out.println("|---|---|---|---|---|---|---|");
        String[] names = {"the writing thread", "another thread"};
        for (int i = 0; i < 2; i++) {
            double[] g = gbps[i].clone();
            Arrays.sort(g);
            double[] c = cpu[i].clone();
            Arrays.sort(c);
            double median = g[g.length / 2];
            long slow = Arrays.stream(g).filter(v -> v < 0.6 * median).count();
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n", names[i], g[0], median,
                    g[g.length - 1], c[c.length / 2], c[c.length - 1], slow);
        }
    }

    /** @return GB/s, and the writing thread's CPU seconds per GB */
    private static IngestThroughputBenchmark.Measured round(Path dir, int blocks, boolean handoff) throws Exception {
        ByteBuffer[] pool = new ByteBuffer[POOL];
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(POOL);
        BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(POOL);
        for (int i = 0; i < POOL; i++) {
            pool[i] = ByteBuffer.allocateDirect(BLOCK);
            free.add(pool[i]);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Path file = dir.resolve("beamflow-handoff-" + System.nanoTime() + ".dat");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Thread filler = null;
            if (handoff) {
                filler = new Thread(() -> {
                    try {
                        for (int i = 0; i < blocks; i++) {
                            ByteBuffer b = free.take();
                            fill(b, i);
                            filled.put(b);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "handoff-filler");
                filler.start();
            }
            long start = System.nanoTime();
            long cpuStart = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < blocks; i++) {
                ByteBuffer b;
                if (handoff) {
                    b = filled.take();
                } else {
                    b = pool[i % POOL];
                    fill(b, i);
                }
                write(ch, b, (long) i * BLOCK);
                if (handoff) {
                    free.put(b);
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpuStart;
            long elapsed = System.nanoTime() - start;
            if (filler != null) {
                filler.join();
            }
            return IngestThroughputBenchmark.Measured.of((long) blocks * BLOCK, elapsed, cpu);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(FileChannel ch, ByteBuffer b, long position) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            ch.write(b, position + b.position());
        }
    }

    /** Distinct contents per block, written with 8-byte stores (as a receive copy would touch every line). */
    private static void fill(ByteBuffer b, int seed) {
        b.clear();
        long x = seed;
        while (b.remaining() >= Long.BYTES) {
            b.putLong(x);
            x += 0x9E3779B97F4A7C15L;
        }
    }
}
