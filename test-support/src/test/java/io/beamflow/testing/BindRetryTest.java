package io.beamflow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Starting a server that cannot bind port 0: another port when the last one was in use, a bounded number of times. */
class BindRetryTest {
    @Test
    void shouldTryAnotherPortWhileTheServerReportsItsPortInUse() throws Exception {
        List<Integer> tried = new ArrayList<>();
        String server = BindRetry.start("server", 5, port -> {
            tried.add(port);
            return tried.size() < 3 ? null : "server on " + port;
        });
        assertEquals(3, tried.size());
        assertEquals("server on " + tried.get(2), server);
        assertTrue(tried.stream().allMatch(p -> p >= BindRetry.LOW && p < BindRetry.HIGH), tried.toString());
    }

    @Test
    void shouldFailAfterTheLastAttemptNamingTheServerAndThePortsTried() {
        AssertionError e = assertThrows(AssertionError.class, () -> BindRetry.start("postgres", 2, port -> null));
        assertTrue(e.getMessage().startsWith("postgres: every port tried was in use: ["), e.getMessage());
    }

    @Test
    void shouldPassOnAFailureOtherThanAPortInUse() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BindRetry.start("httpd", 5,
                port -> {
                    throw new IllegalStateException("bad configuration");
                }));
        assertEquals("bad configuration", e.getMessage());
    }
}
