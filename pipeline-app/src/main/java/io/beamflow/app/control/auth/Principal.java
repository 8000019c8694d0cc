package io.beamflow.app.control.auth;

import java.util.Set;

/**
 * Who sent a request, as far as the control API knows.
 *
 * @param kind         how it was authenticated
 * @param subject      the token's {@code sub} ({@code operator-token} for the static token, empty for nobody)
 * @param username     the account name (the configured username claim), matched against beamtime PIs and
 *                     participants; empty when unknown
 * @param admin        facility admin: reads and operates everything
 * @param operatorOf   beamlines this principal operates (changes rules, opens and closes beamtimes, reads their data)
 * @param participantOf beamtime ids named in its roles
 * @param groups       its groups (a beamtime's Unix group among them makes it a participant), without a leading
 *                     {@code /}
 * @param expiresAtMs  when its credentials stop being accepted (token expiry plus the clock skew), ms since the
 *                     epoch; 0: never (the operator token, nobody)
 */
public record Principal(Kind kind, String subject, String username, boolean admin, Set<String> operatorOf,
                        Set<String> participantOf, Set<String> groups, long expiresAtMs) {
    /** How a principal was authenticated. */
    public enum Kind {
        /** No credentials. */
        ANONYMOUS,
        /** The static operator token ({@code control.operatorToken}): the beamline's fallback without an identity provider. */
        OPERATOR_TOKEN,
        /** An OIDC bearer token (JWT) of the configured issuer. */
        OIDC
    }

    /** Copies the sets. */
    public Principal {
        subject = subject == null ? "" : subject;
        username = username == null ? "" : username;
        operatorOf = Set.copyOf(operatorOf);
        participantOf = Set.copyOf(participantOf);
        groups = Set.copyOf(groups);
    }

    /** A principal whose credentials do not expire. */
    public Principal(Kind kind, String subject, String username, boolean admin, Set<String> operatorOf,
            Set<String> participantOf, Set<String> groups) {
        this(kind, subject, username, admin, operatorOf, participantOf, groups, 0);
    }

    /** Nobody. */
    public static final Principal ANONYMOUS = new Principal(Kind.ANONYMOUS, "", "", false, Set.of(), Set.of(), Set.of());

    /** The holder of the static operator token. */
    public static final Principal OPERATOR_TOKEN = new Principal(Kind.OPERATOR_TOKEN, "operator-token", "", false,
            Set.of(), Set.of(), Set.of());

    /** @return a short description for logs and the audit log, e.g. {@code oidc:alice} */
    public String describe() {
        switch (kind) {
            case OIDC:
                return "oidc:" + (username.isEmpty() ? subject : username);
            case OPERATOR_TOKEN:
                return "operator-token";
            default:
                return "anonymous";
        }
    }
}
