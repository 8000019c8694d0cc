package io.beamflow.bench.ingest;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Journal append bandwidth alone (no network) against a new-file sequential write of the same bytes,
 * for several Chronicle block sizes.
 *
 * <pre>bench io.beamflow.bench.ingest.JournalAppendBenchmark dir [MiB] [recordKiB]</pre>
 */
public final class JournalAppendBenchmark {
    private JournalAppendBenchmark() {
    }

    /**
     * @param args directory, MiB to write (default 1024), record size in KiB (default 1024)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp");
        long total = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        int record = (args.length > 2 ? Integer.parseInt(args[2]) : 1024) << 10;
        byte[] body = new byte[record];
        new SplittableRandom(3).nextBytes(body);
        byte[] header = new byte[80];
        for (long block : new long[] {64L << 20, 256L << 20, 1L << 30}) {
            double raw = IngestThroughputBenchmark.rawFileWrite(dir, total);
            Path j = Files.createTempDirectory(dir, "beamflow-journal-bench");
            double gbs;
            try (FrameJournal journal = FrameJournal.open(new JournalConfig(j, "FIVE_MINUTELY", block))) {
                long n = total / record;
                journal.append(header, 0, header.length, body, 0, body.length);
                long start = System.nanoTime();
                for (long i = 1; i < n; i++) {
                    journal.append(header, 0, header.length, body, 0, body.length);
                }
                gbs = (n - 1) * (double) record / (System.nanoTime() - start);
            } finally {
                try (Stream<Path> files = Files.walk(j)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            System.out.printf(Locale.ROOT, "%s block %4d MiB: journal append %.2f GB/s, new-file write %.2f GB/s, "
                    + "ratio %.2f%n", dir, block >> 20, gbs, raw, gbs / raw);
        }
    }
}
