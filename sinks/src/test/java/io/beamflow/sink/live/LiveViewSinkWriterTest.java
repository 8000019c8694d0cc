package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.result.FrameResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A live-view endpoint that cannot be bound leaves the job running without a live view, and is tried again. */
class LiveViewSinkWriterTest {
    @Test
    void shouldRunWithoutLiveViewWhileItsPortIsTakenAndBindOnceItIsFree() throws Exception {
        AtomicLong nowNs = new AtomicLong(0);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
        LiveViewSink.Writer w = new LiveViewSink.Writer(endpoint,
                () -> new LiveViewPublisher(endpoint, 5, 64, new SimpleMeterRegistry()), nowNs::get, registry);
        try {
            assertFalse(w.publishing());
            FrameResult r = FrameResult.seriesStart("s", "{}");
            w.write(r, null); // no live view, no exception: the files of record go on
            assertEquals(1.0, registry.counter(MetricNames.LIVE_BIND_FAILURES).count());
            taken.close();
            nowNs.addAndGet(LiveViewSink.Writer.RETRY_NS - 1);
            w.write(r, null);
            assertFalse(w.publishing(), "not tried again before the retry interval");
            nowNs.addAndGet(1);
            w.write(r, null);
            assertTrue(w.publishing(), "bound once the port is free");
            assertEquals(1.0, registry.counter(MetricNames.LIVE_BIND_FAILURES).count());
        } finally {
            taken.close();
            w.close();
        }
    }
}
