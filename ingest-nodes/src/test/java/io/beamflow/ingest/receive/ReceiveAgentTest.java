package io.beamflow.ingest.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.wire.RejectReason;
import io.beamflow.ingest.accounting.RejectLog;
import io.beamflow.ingest.accounting.StreamAccounting;
import io.beamflow.ingest.protocol.ProtocolAdapter;
import io.beamflow.testing.Await;
import io.beamflow.testing.NativeFrameSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Receive agent duty cycles driven by hand. */
class ReceiveAgentTest {
    @TempDir
    Path tmp;

    @Test
    void shouldCountAnAdapterFailureAsInternalErrorAndKeepReceiving() {
        StreamAccounting acct = new StreamAccounting("t", "tcp://127.0.0.1:*", new SimpleMeterRegistry(),
                new RejectLog(System::nanoTime, 1));
        AtomicInteger handled = new AtomicInteger();
        ProtocolAdapter flaky = new ProtocolAdapter() {
            @Override
            public boolean onMessage(MessageParts parts) {
                if (handled.incrementAndGet() == 1) {
                    throw new IllegalStateException("simulated journal failure");
                }
                return true;
            }

            @Override
            public String protocolName() {
                return "flaky";
            }
        };
        try (ZContext ctx = new ZContext(1)) {
            FrameJournal journal = FrameJournal.open(new JournalConfig(tmp.resolve("t"), "FIVE_MINUTELY", 8L << 20));
            PooledMsgAllocator allocator = new PooledMsgAllocator(1024, 1 << 20);
            ZMQ.Socket socket = ReceiveSockets.open(ctx, "tcp://127.0.0.1:*", new IngestConfig(), 1 << 20, allocator);
            NativeFrameSender s = new NativeFrameSender(socket.getLastEndpoint());
            ReceiveAgent agent = new ReceiveAgent("t", socket, flaky, journal,
                    new JournalSpaceGuard(() -> Long.MAX_VALUE, 0, System::nanoTime, 0), acct, 1, allocator);
            try {
                s.send(new byte[10], new byte[4096]);
                s.send(new byte[10], new byte[4096]);
                s.send(new byte[10]);
                Await.until(() -> acct.summary().toString(), () -> {
                    agent.doWork();
                    return handled.get() == 3;
                });
                assertEquals(3, acct.summary().messagesReceived());
                assertEquals(1, acct.summary().rejected(RejectReason.INTERNAL_ERROR));
                assertEquals(0, agent.doWork(), "nothing left, nothing done");
            } finally {
                s.close();
                agent.onClose();
            }
        }
    }
}
