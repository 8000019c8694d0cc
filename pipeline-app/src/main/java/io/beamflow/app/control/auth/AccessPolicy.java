package io.beamflow.app.control.auth;

import io.beamflow.core.beamtime.Beamtime;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one request's {@link Principal} may do on this server, which serves one beamline ({@code sink.beamline}).
 * Handlers ask it before they show anything of a beamtime (series, frames, live images and events, rules active
 * during it) and before they change anything:
 * <ul>
 * <li>without OIDC ({@code control.oidc.issuer} empty), as before: anyone who reaches the server reads (the
 * {@code HttpGuard} keeps reads on loopback), the operator token operates;</li>
 * <li>with OIDC, nobody without a valid token sees data; the operator token still operates and reads everything
 * (a beamline without an identity provider); a facility admin reads and operates everything; an operator of
 * beamline X operates X and reads every beamtime of X; a participant reads only the beamtimes that name it (a
 * role {@code <participantRolePrefix><id>}, the beamtime's Unix group among its groups, or its account as the PI
 * or a participant).</li>
 * </ul>
 * Data that belongs to no beamtime (beamtime id {@code ""}: a series outside any beamtime, or a server without a
 * beamtime store) is read by those who operate this server's beamline.
 */
public final class AccessPolicy {
    private final Principal principal;
    private final boolean oidc;
    private final String serverBeamline;
    private final Function<String, Optional<Beamtime>> beamtimes;

    /**
     * @param principal      who asks
     * @param oidc           whether OIDC is configured (then anonymous requests see no data)
     * @param serverBeamline the beamline this server serves ({@code sink.beamline}; may be empty without OIDC)
     * @param beamtimes      finds a beamtime by id (empty when there is no beamtime store)
     */
    public AccessPolicy(Principal principal, boolean oidc, String serverBeamline,
            Function<String, Optional<Beamtime>> beamtimes) {
        this.principal = principal;
        this.oidc = oidc;
        this.serverBeamline = serverBeamline == null ? "" : serverBeamline;
        this.beamtimes = beamtimes;
    }

    /** @return who asks */
    public Principal principal() {
        return principal;
    }

    /** @return whether the request carried valid credentials */
    public boolean authenticated() {
        return principal.kind() != Principal.Kind.ANONYMOUS;
    }

    /** @return whether OIDC is configured on this server */
    public boolean oidc() {
        return oidc;
    }

    /** @return whether it reads everything (operator token, facility admin, or anyone when OIDC is off) */
    public boolean readsEverything() {
        switch (principal.kind()) {
            case OPERATOR_TOKEN:
                return true;
            case OIDC:
                return principal.admin();
            default:
                return !oidc;
        }
    }

    /**
     * @param beamtimeId a beamtime id; {@code ""}: data outside any beamtime
     * @return whether the principal may see that beamtime's series, frames, live images and events
     */
    public boolean canRead(String beamtimeId) {
        if (readsEverything()) {
            return true;
        }
        if (principal.kind() != Principal.Kind.OIDC) {
            return false;
        }
        if (beamtimeId == null || beamtimeId.isEmpty()) {
            return principal.operatorOf().contains(serverBeamline);
        }
        Optional<Beamtime> b = beamtimes.apply(beamtimeId);
        return b.isPresent() ? canRead(b.get()) : principal.participantOf().contains(beamtimeId);
    }

    /**
     * @param b a beamtime
     * @return whether the principal may see its data (and its record: people, dates)
     */
    public boolean canRead(Beamtime b) {
        if (readsEverything()) {
            return true;
        }
        if (principal.kind() != Principal.Kind.OIDC) {
            return false;
        }
        if (principal.operatorOf().contains(b.beamline()) || principal.participantOf().contains(b.id())) {
            return true;
        }
        if (!b.group().isEmpty() && principal.groups().contains(b.group())) {
            return true;
        }
        String user = principal.username();
        return !user.isEmpty() && (user.equals(b.pi()) || b.participants().contains(user));
    }

    /**
     * @param beamline a beamline
     * @return whether the principal may change its rules, start and stop its series, open and close its beamtimes
     */
    public boolean canOperate(String beamline) {
        switch (principal.kind()) {
            case OPERATOR_TOKEN:
                return true;
            case OIDC:
                return principal.admin() || (beamline != null && !beamline.isEmpty()
                        && principal.operatorOf().contains(beamline));
            default:
                return false;
        }
    }

    /** @return whether the principal operates the beamline this server serves */
    public boolean canOperateHere() {
        return canOperate(serverBeamline);
    }

    /** @return the beamline this server serves */
    public String serverBeamline() {
        return serverBeamline;
    }
}
