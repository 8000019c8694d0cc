package io.beamflow.ingest.testutil;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.ingest.IngestNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;

/**
 * Runs an ingest node in its own JVM for crash tests: prints {@code READY <bound endpoint>}, then
 * {@code JOURNALED <n>} each time the journaled-frame counter changes (the counter moves only after
 * the journal append returned).
 */
public final class IngestNodeProcessMain {
    private IngestNodeProcessMain() {
    }

    /**
     * @param args endpoint, journal directory, optionally the protocol (default native)
     */
    public static void main(String[] args) throws InterruptedException {
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(args[0]);
        c.journalDirectory = args[1];
        if (args.length > 2) {
            c.protocol = args[2];
        }
        c.journalBlockSizeBytes = 16L << 20;
        c.journalMinFreeBytes = 1L << 20;
        IngestNode node = IngestNode.start(c, new SimpleMeterRegistry());
        System.out.println("READY " + node.boundEndpoints().get(0));
        System.out.flush();
        long last = -1;
        long nextSummary = System.nanoTime();
        while (true) {
            if (System.nanoTime() - nextSummary > 0) {
                System.out.print(node.formatSummary());
                nextSummary = System.nanoTime() + 2_000_000_000L;
            }
            long n = node.framesJournaled();
            if (n != last) {
                System.out.println("JOURNALED " + n);
                System.out.flush();
                last = n;
            }
            Thread.sleep(1);
        }
    }
}
