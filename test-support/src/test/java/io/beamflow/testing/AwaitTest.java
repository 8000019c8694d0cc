package io.beamflow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one bounded wait of the tests: returns as soon as its condition holds, fails saying what and why. */
class AwaitTest {
    @Test
    void shouldReturnTheFirstAcceptedValueAsSoonAsTheConditionHolds() {
        AtomicInteger polls = new AtomicInteger();
        assertEquals(3, Await.value("the third poll", polls::incrementAndGet, n -> n >= 3));
        assertEquals(3, polls.get(), "no polling after the condition held");
        assertEquals(5, Await.atLeast(5, () -> 5, "a value already there"));
    }

    @Test
    void shouldFailNamingWhatWasAwaitedAndTheLastValueSeen() {
        AtomicInteger polls = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.value(Duration.ofMillis(50),
                () -> "the counter to reach 1000", polls::incrementAndGet, n -> n >= 1000));
        assertTrue(e.getMessage().contains("waiting for: the counter to reach 1000"), e.getMessage());
        assertTrue(e.getMessage().contains("last value: " + polls.get() + ")"), e.getMessage());
    }

    @Test
    void shouldTreatAnExceptionOfTheValueAsNotYetAndReportItAsTheCause() {
        AtomicInteger polls = new AtomicInteger();
        assertEquals("ready", Await.value("a file that appears on the third look", () -> {
            if (polls.incrementAndGet() < 3) {
                throw new IOException("not there yet");
            }
            return "ready";
        }, v -> v != null));
        AssertionError e = assertThrows(AssertionError.class, () -> Await.value(Duration.ofMillis(30),
                () -> "a file that never appears", () -> {
                    throw new IOException("no such file");
                }, v -> true));
        assertTrue(e.getMessage().contains("java.io.IOException: no such file"), e.getMessage());
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    }
}
