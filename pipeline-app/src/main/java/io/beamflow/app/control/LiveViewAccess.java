package io.beamflow.app.control;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.sink.live.LiveViewAuthenticator;
import io.beamflow.sink.live.LiveViewPasswords;
import io.beamflow.sink.live.LiveViewTickets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may subscribe to the live-view PUB socket. Without OIDC, anyone who can connect (as before; it binds loopback).
 * With {@code control.oidc} set the stream is closed to anonymous subscribers, since it carries every beamtime's
 * frames: it becomes a ZeroMQ PLAIN server (ZAP) that lets in this process's own dashboard (user
 * {@value #DASHBOARD_USER}, a random password made at start and shared with the job it submits) and holders of the
 * operator token (user {@value #OPERATOR_USER}, password the token; at most 255 bytes, ZMTP's limit) and holders of
 * a live-view ticket (user {@code ticket}), which the control server issues to the beamline's operators and facility
 * admins authenticated by OIDC ({@code POST /api/live/ticket}): an OIDC access token cannot be the PLAIN password,
 * ZMTP PLAIN carries at most 255 bytes and a JWT is longer. Participants use the dashboard's filtered endpoints.
 */
public final class LiveViewAccess {
    /** PLAIN user name of the control server's own subscriber. */
    public static final String DASHBOARD_USER = "beamflow-dashboard";
    /** PLAIN user name of operator-token holders (beamline GUIs). */
    public static final String OPERATOR_USER = "operator";

    private static final String DASHBOARD_PASSWORD = randomPassword();
    private static final KeyPair TICKET_KEYS = ticketKeys();

    private LiveViewAccess() {
    }

    private static String randomPassword() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomKey());
    }

    private static KeyPair ticketKeys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no Ed25519 in this JVM: " + e.getMessage(), e);
        }
    }

    private static byte[] randomKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /**
     * @param config the configuration
     * @return who may subscribe to the live view this process's job publishes, or {@code null}: anyone (OIDC off)
     */
    public static LiveViewAuthenticator authenticator(BeamflowConfig config) {
        if (config.control.oidc == null || !config.control.oidc.enabled()) {
            return null;
        }
        Map<String, String> passwords = new HashMap<>();
        passwords.put(DASHBOARD_USER, DASHBOARD_PASSWORD);
        String token = OperatorAuth.resolveToken(config.control.operatorToken);
        if (token != null && !token.isBlank()) {
            passwords.put(OPERATOR_USER, token.trim());
        }
        return new LiveViewTickets(TICKET_KEYS.getPublic().getEncoded(), new LiveViewPasswords(passwords), Clock.systemUTC());
    }

    /** @return the key this process signs live-view tickets with ({@link LiveTicketHandler}) */
    static PrivateKey ticketKey() {
        return TICKET_KEYS.getPrivate();
    }

    /** @return the password of this process's dashboard subscriber */
    static String dashboardPassword() {
        return DASHBOARD_PASSWORD;
    }
}
