package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.testing.Await;
import io.beamflow.testing.DebianPython;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A live view with an authenticator is a ZeroMQ PLAIN server: subscribers with the right user name and password
 * (JeroMQ and libzmq through pyzmq) receive, others receive nothing and are counted by reason.
 */
@Timeout(60)
class LiveViewPublisherAuthTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FrameSynthesizer syn = new FrameSynthesizer(SimulationParameters.defaults(64, 64));
    private final AtomicLong n = new AtomicLong();

    private FrameResult frame() {
        return LiveViewPublisherTest.result(syn.frame(n.getAndIncrement()), 64, 64, Decision.KEEP);
    }

    private double refused(String reason) {
        Counter c = registry.find(MetricNames.LIVE_AUTH_REFUSED).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private LiveViewPublisher publisher() {
        return new LiveViewPublisher("tcp://127.0.0.1:*", 0, 64, false,
                new LiveViewPasswords(Map.of("operator", "s3cret", "nobody", " ")), registry);
    }

    @Test
    void shouldServeOnlySubscribersWithValidCredentials() {
        try (LiveViewPublisher pub = publisher();
                LiveViewSubscriber good = new LiveViewSubscriber(pub.boundEndpoint(), m -> { }, "operator", "s3cret");
                LiveViewSubscriber wrong = new LiveViewSubscriber(pub.boundEndpoint(), m -> { }, "operator", "guess");
                LiveViewSubscriber stranger = new LiveViewSubscriber(pub.boundEndpoint(), m -> { }, "nobody", " ");
                LiveViewSubscriber anonymous = new LiveViewSubscriber(pub.boundEndpoint(), m -> { })) {
            Await.until("the good subscriber receives and the others were refused", () -> {
                pub.offer(frame());
                return good.received() >= 3 && refused("wrong_password") >= 1 && refused("unknown_user") >= 1;
            });
            long before = good.received();
            Await.until("the good subscriber receives more", () -> {
                pub.offer(frame());
                return good.received() >= before + 5;
            });
            assertEquals(0, wrong.received());
            assertEquals(0, stranger.received(), "a blank password never logs in");
            assertEquals(0, anonymous.received(), "a subscriber without credentials (NULL mechanism) gets nothing");
        }
    }

    @Test
    void shouldLetALibzmqSubscriberInWithPlainCredentials() throws Exception {
        String script = String.join("\n",
                "import json, sys, zmq",
                "s = zmq.Context().socket(zmq.SUB); s.setsockopt(zmq.SUBSCRIBE, b'')",
                "s.plain_username = sys.argv[2].encode(); s.plain_password = sys.argv[3].encode()",
                "s.setsockopt(zmq.RCVTIMEO, 30000); s.connect(sys.argv[1])",
                "header, data = s.recv_multipart()",
                "print(json.loads(header)['htype'])",
                "");
        try (LiveViewPublisher pub = publisher()) {
            Process ok = DebianPython.start(script, pub.boundEndpoint(), "operator", "s3cret");
            Process bad = DebianPython.start(script, pub.boundEndpoint(), "operator", "s3cret-not");
            try {
                Await.until("pyzmq with the password received a message, the other was refused", () -> {
                    pub.offer(frame());
                    return !ok.isAlive() && refused("wrong_password") >= 1;
                });
                assertTrue(ok.waitFor(1, TimeUnit.SECONDS));
                assertEquals("beamflow-live-1.0", new String(ok.getInputStream().readAllBytes()).trim());
                for (int i = 0; i < 20; i++) {
                    pub.offer(frame()); // messages the refused subscriber would receive if it were let in
                }
                assertTrue(bad.isAlive(), "the refused subscriber received nothing");
            } finally {
                ok.destroyForcibly();
                bad.destroyForcibly();
            }
        }
    }

    @Test
    void shouldRefuseCredentialsItDoesNotKnow() {
        LiveViewPasswords p = new LiveViewPasswords(Map.of("operator", "s3cret", "blank", ""));
        assertNull(p.refusal("operator", "s3cret"));
        assertEquals("wrong_password", p.refusal("operator", "s3cret "));
        assertEquals("unknown_user", p.refusal("blank", ""));
        assertEquals("unknown_user", p.refusal(null, null));
    }
}
