package io.beamflow.sink.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveViewTicketsTest {
    private static final KeyPair KEYS = keys();
    private static final PrivateKey KEY = KEYS.getPrivate();

    private static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static LiveViewTickets at(long epochS) {
        return new LiveViewTickets(KEYS.getPublic().getEncoded(), new LiveViewPasswords(Map.of("operator", "op-secret")),
                Clock.fixed(Instant.ofEpochSecond(epochS), ZoneOffset.UTC));
    }

    @Test
    void shouldAdmitAnIssuedTicketUntilItExpires() {
        String t = LiveViewTickets.issue(KEY, "alice@example.org", 1000);
        assertTrue(t.length() <= LiveViewTickets.MAX_TICKET_CHARS, t);
        assertNull(at(999).refusal(LiveViewTickets.TICKET_USER, t));
        assertEquals("expired_ticket", at(1000).refusal(LiveViewTickets.TICKET_USER, t));
    }

    @Test
    void shouldRefuseTamperedForeignAndMalformedTickets() {
        String t = LiveViewTickets.issue(KEY, "alice", 1000);
        LiveViewTickets tickets = at(10);
        assertEquals("bad_ticket", tickets.refusal("ticket", "2000" + t.substring(t.indexOf('.'))), "later expiry");
        assertEquals("bad_ticket", tickets.refusal("ticket", t.replace("alice", "mallory")), "other subject");
        assertEquals("bad_ticket", tickets.refusal("ticket", LiveViewTickets.issue(keys().getPrivate(), "alice", 1000)),
                "another server's key");
        for (String bad : new String[] {"", ".", "1000", "1000.alice", "x.alice.AAAA", "1000.alice.!!!", null,
            "1".repeat(300)}) {
            assertEquals("bad_ticket", tickets.refusal("ticket", bad), String.valueOf(bad));
        }
    }

    @Test
    void shouldLeaveOtherUsersToTheOtherAuthenticator() {
        assertNull(at(10).refusal("operator", "op-secret"));
        assertEquals("wrong_password", at(10).refusal("operator", "nope"));
        assertEquals("unknown_user", at(10).refusal("someone", "x"));
    }

    @Test
    void shouldReplaceCharactersThatCouldSplitATicket() {
        String t = LiveViewTickets.issue(KEY, "a.b c", 1000);
        assertTrue(t.startsWith("1000.a_b_c."), t);
        assertNull(at(1).refusal("ticket", t));
    }
}
