package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The record path's lag behind the live path, on clocks the test drives. */
class RecordPathLagTest {
    private static final long S = 1_000_000_000L;

    @Test
    void shouldSayHowManyFramesAndSecondsTheRecordPathIsBehindAndWhenItCatchesUp() {
        RecordPathLag lag = new RecordPathLag();
        lag.snapshot(0);
        // the detector sends 100 frames/s; the live path shows frame 1000 and then 1100 one second later
        lag.liveFrame("s", 1000, 0);
        lag.liveFrame("s", 1100, S);
        // the record path passed 150 frames in that second, the newest being frame 500, received 6 s ago
        for (int i = 0; i < 150; i++) {
            lag.recordFrame("s", 351 + i, 4 * S + i, 10 * S + i);
        }
        LiveViewHeader.RecordPath p = lag.snapshot(S);
        assertEquals(600, p.behindFrames);
        assertEquals(6.0, p.behindSeconds, 1e-3);
        assertEquals(150.0, p.framesPerSecond, 1e-9);
        assertEquals(600 / 50.0, p.catchUpSeconds, 1e-9, "gaining 50 frames/s on the detector");
    }

    @Test
    void shouldSayItDoesNotCatchUpWhileSlowerThanTheDetectorAndZeroOnceCaughtUp() {
        RecordPathLag lag = new RecordPathLag();
        lag.snapshot(0);
        lag.liveFrame("s", 0, 0);
        lag.liveFrame("s", 200, S);
        for (int i = 0; i < 100; i++) {
            lag.recordFrame("s", i, 1, 2);
        }
        assertEquals(-1.0, lag.snapshot(S).catchUpSeconds, "100 frames/s against 200");
        lag.recordFrame("s", 200, 1, 2);
        assertEquals(0.0, lag.snapshot(2 * S).catchUpSeconds);
        assertEquals(0, lag.snapshot(3 * S).behindFrames);
    }
}
