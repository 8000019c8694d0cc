package io.beamflow.ingest.protocol;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.ingest.accounting.RejectLog;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.receive.MessageParts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.agrona.concurrent.SystemEpochNanoClock;

/** A stream v1 adapter over a real journal in a test's directory, fed multipart messages by hand. */
final class SimplonAdapterFixture implements AutoCloseable {
    final FrameJournal journal;
    final StreamAccounting acct;
    final SimplonProtocolAdapter adapter;

    /** @param dir where the journal goes (its {@code j} subdirectory) */
    SimplonAdapterFixture(Path dir) {
        journal = FrameJournal.open(new JournalConfig(dir.resolve("j"), "FIVE_MINUTELY", 8L << 20));
        acct = new StreamAccounting("s", "inproc://x", new SimpleMeterRegistry(), new RejectLog(System::nanoTime, 1));
        adapter = new SimplonProtocolAdapter(new IngestRecordWriter(journal, acct, new SystemEpochNanoClock()),
                new WireLimits(4096, 1 << 20), new SimplonImageDecoder(BitshuffleSupport.decoder()));
    }

    /** @return whether the adapter took the message made of {@code parts} */
    boolean send(byte[]... parts) {
        MessageParts m = new MessageParts();
        for (byte[] p : parts) {
            m.add(p);
        }
        return adapter.onMessage(m);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        journal.close();
    }
}
