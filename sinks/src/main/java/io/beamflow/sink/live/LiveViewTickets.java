package io.beamflow.sink.live;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;

/**
 * Lets holders of a short-lived live-view ticket subscribe (PLAIN user {@value #TICKET_USER}), and everyone else
 * through another authenticator. A ticket is {@code <expiry epoch s>.<subject>.<Ed25519 signature>}, signed with a
 * key pair the control server makes at start; only the public key travels with the job, so the job graph holds
 * nothing that mints tickets. The control server issues one to an OIDC principal that may watch the whole stream (an
 * OIDC access token does not fit ZMTP PLAIN's 255-byte password); it is checked here without any state and admits
 * new connections until it expires.
 */
public final class LiveViewTickets implements LiveViewAuthenticator {
    private static final long serialVersionUID = 1L;
    /** PLAIN user name of ticket holders. */
    public static final String TICKET_USER = "ticket";
    /** Longest ticket (ZMTP PLAIN passwords carry at most 255 bytes). */
    static final int MAX_TICKET_CHARS = 255;

    private final byte[] publicKey;
    private final LiveViewAuthenticator others;
    private final Clock clock;
    private transient PublicKey verifyKey;

    /**
     * @param publicKey the issuer's Ed25519 public key ({@link PublicKey#getEncoded()}, X.509)
     * @param others    who else may subscribe (user names other than {@value #TICKET_USER})
     * @param clock     time source for expiry
     */
    public LiveViewTickets(byte[] publicKey, LiveViewAuthenticator others, Clock clock) {
        this.publicKey = publicKey.clone();
        this.others = others;
        this.clock = clock;
        key(); // fails now for a key that is not an Ed25519 public key
    }

    /**
     * @param key          the issuer's Ed25519 private key
     * @param subject     whom the ticket is for (logged by the publisher; letters, digits and {@code -_@:} only, at
     *                    most 100 characters, others replaced)
     * @param expiryEpochS when it stops admitting new connections
     * @return the ticket, the PLAIN password of user {@value #TICKET_USER}
     */
    public static String issue(PrivateKey key, String subject, long expiryEpochS) {
        String s = subject == null ? "" : subject.replaceAll("[^A-Za-z0-9_@:-]", "_");
        if (s.length() > 100) {
            s = s.substring(0, 100);
        }
        String body = expiryEpochS + "." + s;
        try {
            Signature sig = Signature.getInstance("Ed25519");
            sig.initSign(key);
            sig.update(body.getBytes(StandardCharsets.US_ASCII));
            return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a live-view ticket: " + e.getMessage(), e);
        }
    }

    @Override
    public String refusal(String username, String password) {
        if (!TICKET_USER.equals(username)) {
            return others == null ? "unknown_user" : others.refusal(username, password);
        }
        if (password == null || password.length() > MAX_TICKET_CHARS) {
            return "bad_ticket";
        }
        int sig = password.lastIndexOf('.');
        int dot = password.indexOf('.');
        if (dot <= 0 || sig <= dot) {
            return "bad_ticket";
        }
        String body = password.substring(0, sig);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(password.substring(sig + 1));
        } catch (IllegalArgumentException e) {
            return "bad_ticket";
        }
        try {
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(key());
            v.update(body.getBytes(StandardCharsets.US_ASCII));
            if (!v.verify(given)) {
                return "bad_ticket";
            }
        } catch (GeneralSecurityException e) {
            return "bad_ticket";
        }
        long expiry;
        try {
            expiry = Long.parseLong(password.substring(0, dot));
        } catch (NumberFormatException e) {
            return "bad_ticket";
        }
        return clock.instant().getEpochSecond() < expiry ? null : "expired_ticket";
    }

    private PublicKey key() {
        if (verifyKey == null) {
            try {
                verifyKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(publicKey));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
            }
        }
        return verifyKey;
    }
}
