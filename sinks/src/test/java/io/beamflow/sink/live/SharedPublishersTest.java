package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.result.FrameResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The live view's two writers of one job share one publisher, bound by the first and closed after the last. */
class SharedPublishersTest {
    private static final String ENDPOINT = "tcp://127.0.0.1:*";

    @Test
    void shouldBindOncePerJobAndCloseAfterTheLastHolder() {
        AtomicInteger binds = new AtomicInteger();
        Supplier<LiveViewPublisher> bind = () -> {
            binds.incrementAndGet();
            return new LiveViewPublisher(ENDPOINT, 5, 64, true, new SimpleMeterRegistry());
        };
        LiveViewPublisher frames = SharedPublishers.acquire("job-1 " + ENDPOINT, bind);
        LiveViewPublisher counts = SharedPublishers.acquire("job-1 " + ENDPOINT, bind);
        LiveViewPublisher other = SharedPublishers.acquire("job-2 " + ENDPOINT, bind);
        try {
            assertSame(frames, counts);
            assertNotSame(frames, other, "another job has its own");
            assertEquals(2, binds.get());
            SharedPublishers.release("job-1 " + ENDPOINT, counts);
            FrameResult marker = FrameResult.seriesStart("s", "{}");
            marker.preview = true; // a live-path marker is always published
            assertTrue(frames.offer(marker), "still open for the other writer");
            LiveViewPublisher again = SharedPublishers.acquire("job-1 " + ENDPOINT, bind);
            assertSame(frames, again, "still held by the other writer: not bound again");
            assertEquals(2, binds.get());
            SharedPublishers.release("job-1 " + ENDPOINT, again);
            SharedPublishers.release("job-1 " + ENDPOINT, frames);
            LiveViewPublisher fresh = SharedPublishers.acquire("job-1 " + ENDPOINT, bind);
            assertNotSame(frames, fresh, "closed after the last holder let go: bound anew");
            assertEquals(3, binds.get());
            SharedPublishers.release("job-1 " + ENDPOINT, fresh);
        } finally {
            SharedPublishers.release("job-2 " + ENDPOINT, other);
        }
        assertTrue(LiveViewEndpoints.resolve(ENDPOINT).isEmpty(), "every publisher closed");
    }
}
