package io.beamflow.bench.ingest;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Journal append bandwidth alone (no network), against a new-file sequential write of the same bytes
 * measured moments before: records whose body is on the heap (copied into the memory-mapped cycle file)
 * and records whose body is in a direct buffer, as the ingest node receives it (written with a
 * positional {@code write(2)}).
 *
 * <pre>bench io.beamflow.bench.ingest.JournalAppendBenchmark dir [MiB] [recordKiB] [repeats]</pre>
 */
public final class JournalAppendBenchmark {
    private JournalAppendBenchmark() {
    }

    /**
     * @param args directory, MiB per measurement (default 1024), record size in KiB (default 1024),
     *             interleaved repetitions (default 3)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp");
        long total = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        int record = (args.length > 2 ? Integer.parseInt(args[2]) : 1024) << 10;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        byte[] body = new byte[record];
        new SplittableRandom(3).nextBytes(body);
        ByteBuffer direct = ByteBuffer.allocateDirect(record);
        direct.put(body).flip();
        double[] raw = new double[repeats];
        double[] mapped = new double[repeats];
        double[] positional = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            IngestThroughputBenchmark.settle();
            raw[r] = IngestThroughputBenchmark.rawFileWrite(dir, total).gbPerS();
            IngestThroughputBenchmark.settle();
            mapped[r] = append(dir, total, new UnsafeBuffer(body));
            IngestThroughputBenchmark.settle();
            positional[r] = append(dir, total, new UnsafeBuffer(direct));
        }
        System.out.printf(Locale.ROOT, "%s, %d KiB records, %d MiB per measurement, median of %d: new-file write "
                + "%.2f GB/s; journal, heap body (mapped copy) %.2f GB/s = %.2f; journal, direct body (positional "
                + "write) %.2f GB/s = %.2f of the new-file write%n", dir, record >> 10, total >> 20, repeats,
                IngestThroughputBenchmark.median(raw), IngestThroughputBenchmark.median(mapped), IngestThroughputBenchmark.median(ratios(mapped, raw)), IngestThroughputBenchmark.median(positional),
                IngestThroughputBenchmark.median(ratios(positional, raw)));
    }

    private static double append(Path dir, long total, UnsafeBuffer body) throws Exception {
        Path j = Files.createTempDirectory(dir, "beamflow-journal-bench");
        byte[] header = new byte[80];
        UnsafeBuffer h = new UnsafeBuffer(header);
        int record = body.capacity();
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(j))) {
            long n = total / record;
            journal.append(h, 0, header.length, body, 0, record);
            long start = System.nanoTime();
            for (long i = 1; i < n; i++) {
                journal.append(h, 0, header.length, body, 0, record);
            }
            return (n - 1) * (double) record / (System.nanoTime() - start);
        } finally {
            try (Stream<Path> files = Files.walk(j)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }
}
