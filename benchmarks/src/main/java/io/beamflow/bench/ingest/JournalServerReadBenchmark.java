package io.beamflow.bench.ingest;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.journal.remote.JournalClient;
import io.beamflow.ingest.server.JournalServerAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * How fast a Flink job on another host can read an ingest node's journal through the node's journal
 * server, against tailing the same journal on the node's own host, measured in the same run: a journal
 * of 1 MiB records is written once, then read whole, alternately (1) by a local tailer that copies each
 * record out (as the source's local split reader does) and (2) by a {@link JournalClient} in requests of
 * up to 16 MiB over tcp loopback (as the remote split reader asks). Loopback stands in for the network.
 *
 * <pre>bench io.beamflow.bench.ingest.JournalServerReadBenchmark dir [MiB] [repeats] [MiB per request]</pre>
 */
public final class JournalServerReadBenchmark {
    private static final int RECORD = 1 << 20;
    private static final int BATCH_RECORDS = 256;
    private static long batchBytes = 16L << 20;

    private JournalServerReadBenchmark() {
    }

    /**
     * @param args directory (default /tmp), MiB in the journal (default 1024), repetitions (default 5),
     *             MiB per request (default 16, as the source's remote split reader asks)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp");
        long records = (args.length > 1 ? Long.parseLong(args[1]) : 1024) * (1 << 20) / RECORD;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        batchBytes = args.length > 3 ? Long.parseLong(args[3]) << 20 : batchBytes;
        Path journalDir = Files.createTempDirectory(dir, "beamflow-journal-server-bench");
        JournalConfig config = JournalConfig.of(journalDir.resolve("stream"));
        String endpoint = "tcp://127.0.0.1:" + IngestThroughputBenchmark.freePort();
        try (ZContext context = new ZContext(1)) {
            write(config, records);
            ZMQ.Socket router = context.createSocket(SocketType.ROUTER);
            router.bind(endpoint);
            AgentRunner server = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000),
                    Throwable::printStackTrace, null,
                    new JournalServerAgent(router, Map.of("stream", config), (stream, index) -> { }));
            AgentRunner.startOnThread(server);
            double[] local = new double[repeats];
            double[] remote = new double[repeats];
            try (JournalClient client = new JournalClient(endpoint, 30_000)) {
                readRemote(client, records); // warm-up
                readLocal(config, records);
                for (int r = 0; r < repeats; r++) {
                    IngestThroughputBenchmark.settle();
                    local[r] = readLocal(config, records);
                    IngestThroughputBenchmark.settle();
                    remote[r] = readRemote(client, records);
                    System.out.printf(Locale.ROOT, "#   repetition %d: local tail %.2f GB/s, journal server %.2f GB/s%n",
                            r, local[r], remote[r]);
                }
            } finally {
                server.close();
            }
            double[] ratio = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                ratio[r] = remote[r] / local[r];
            }
            System.out.printf(Locale.ROOT, "%s, %d records of 1 MiB, median of %d: local tail (copy out) %.2f GB/s, "
                    + "journal server over tcp loopback %.2f GB/s = %.2f of the local tail (%.2f..%.2f)%n", dir,
                    records, repeats, IngestThroughputBenchmark.median(local), IngestThroughputBenchmark.median(remote), IngestThroughputBenchmark.median(ratio),
                    Arrays.stream(ratio).min().orElse(0), Arrays.stream(ratio).max().orElse(0));
        } finally {
            try (Stream<Path> files = Files.walk(journalDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(JournalConfig config, long records) {
        byte[] body = new byte[RECORD - 80];
        new SplittableRandom(5).nextBytes(body);
        UnsafeBuffer header = new UnsafeBuffer(new byte[80]);
        try (FrameJournal journal = FrameJournal.open(config)) {
            for (long i = 0; i < records; i++) {
                header.putLong(0, i);
                journal.append(header, 0, 80, new UnsafeBuffer(body), 0, body.length);
            }
        }
    }

    /** @return GB/s reading every record and copying it out */
    private static double readLocal(JournalConfig config, long records) {
        long[] bytes = {0};
        byte[] copy = new byte[RECORD];
        long start = System.nanoTime();
        try (FrameJournal journal = FrameJournal.open(config);
                JournalTailer tailer = journal.tailer(FrameJournal.FIRST)) {
            for (long i = 0; i < records; i++) {
                if (tailer.poll((index, buffer, offset, length) -> {
                    buffer.getBytes(offset, copy, 0, length);
                    bytes[0] += length;
                }) == 0) {
                    throw new IllegalStateException("journal ended after " + i + " records");
                }
            }
        }
        return bytes[0] / (double) (System.nanoTime() - start);
    }

    /** @return GB/s replaying every record through the journal server */
    private static double readRemote(JournalClient client, long records) {
        long bytes = 0;
        long read = 0;
        long from = FrameJournal.FIRST;
        long start = System.nanoTime();
        while (read < records) {
            JournalClient.Batch batch = client.read("stream", from, BATCH_RECORDS, batchBytes);
            for (JournalClient.Record r : batch.records()) {
                bytes += r.length();
            }
            read += batch.records().size();
            from = batch.nextIndex();
        }
        return bytes / (double) (System.nanoTime() - start);
    }
}
