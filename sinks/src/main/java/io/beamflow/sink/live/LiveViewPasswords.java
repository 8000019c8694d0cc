package io.beamflow.sink.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link LiveViewAuthenticator} with a fixed set of user names and passwords, kept as SHA-256 digests (the job
 * graph that carries it holds no password) and compared in constant time.
 */
public final class LiveViewPasswords implements LiveViewAuthenticator {
    private static final long serialVersionUID = 1L;

    private final HashMap<String, byte[]> digests = new HashMap<>();

    /** @param passwords user name to password; blank passwords are left out (nobody logs in with them) */
    public LiveViewPasswords(Map<String, String> passwords) {
        passwords.forEach((user, password) -> {
            if (user != null && password != null && !password.isBlank()) {
                digests.put(user, sha256(password));
            }
        });
    }

    @Override
    public String refusal(String username, String password) {
        byte[] expected = username == null ? null : digests.get(username);
        if (expected == null) {
            return "unknown_user";
        }
        return password != null && MessageDigest.isEqual(expected, sha256(password)) ? null : "wrong_password";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
