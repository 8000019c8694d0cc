package io.beamflow.ingest.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import zmq.Msg;
import zmq.io.Metadata;

/**
 * The per-connection bound on parts and bytes, fed parts as JeroMQ's I/O thread does (flags set,
 * then the connection's metadata attached), with an endless message and good messages interleaved.
 */
class MessageBoundTest {
    private final MessageBound bound = new MessageBound(16, 1000);
    private final Metadata attacker = new Metadata(Map.of("Peer-Address", "10.0.0.66"));
    private final Metadata daq = new Metadata(Map.of("Peer-Address", "10.0.0.7"));

    private BoundedMsg part(Metadata connection, int size, boolean more) {
        BoundedMsg m = new BoundedMsg(size, bound);
        if (more) {
            m.setFlags(Msg.MORE);
        }
        m.setMetadata(connection);
        return m;
    }

    @Test
    void shouldCutOnlyTheConnectionWhoseMessageExceedsTheBound() {
        int cuts = 0;
        int discarded = 0;
        int releasedPieces = 0;
        for (int i = 0; i < 1000; i++) {
            BoundedMsg a = part(attacker, 0, true);
            cuts += a.cut ? 1 : 0;
            discarded += a.discarded ? 1 : 0;
            releasedPieces += a.discarded && !a.hasMore() ? 1 : 0;
            if (i == 16) {
                assertTrue(a.cut && !a.hasMore(), "the 17th part ends the message early");
            }
            if (i % 3 == 0) { // a well-behaved sender's two-part frame in between
                BoundedMsg h = part(daq, 64, true);
                BoundedMsg p = part(daq, 512, false);
                assertFalse(h.cut || h.discarded || p.cut || p.discarded, "part " + i);
                assertTrue(h.hasMore() && !p.hasMore());
            }
        }
        assertEquals(1, cuts);
        assertEquals(1000 - 17, discarded);
        assertEquals((1000 - 17) / 16, releasedPieces, "the rest goes to the receiver in pieces of 16 parts");
        BoundedMsg end = part(attacker, 0, false);
        assertTrue(end.discarded && !end.hasMore());
        BoundedMsg next = part(attacker, 10, false);
        assertFalse(next.cut || next.discarded, "the connection's next message is judged on its own");
        assertEquals(1, bound.cutMessages());
    }

    @Test
    void shouldCutAMessageWhoseBytesExceedTheBoundWithinThePartLimit() {
        assertFalse(part(daq, 600, true).cut);
        BoundedMsg second = part(daq, 600, true);
        assertTrue(second.cut && !second.hasMore(), "1200 bytes > 1000 after two parts");
        assertTrue(part(daq, 600, false).discarded);
        assertFalse(part(daq, 999, false).cut);
    }
}
