package io.beamflow.app.control.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.beamtime.Beamtime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who reads and operates what, for each kind of principal, with and without OIDC. */
class AccessPolicyTest {
    private static final Beamtime A = new Beamtime("11010001", "p11", "PETRA III", "I-1", "alice", List.of("ann"), "bta",
            "2026-11-20T08:00:00Z", "2026-11-23T08:00:00Z", true, "", "");
    private static final Beamtime C = new Beamtime("21010001", "p21", "PETRA III", "I-3", "zed", List.of(), "btc",
            "2026-11-20T08:00:00Z", "2026-11-23T08:00:00Z", false, "", "");
    private static final Map<String, Beamtime> STORE = Map.of(A.id(), A, C.id(), C);

    private static AccessPolicy policy(Principal p, boolean oidc) {
        return new AccessPolicy(p, oidc, "p11", id -> Optional.ofNullable(STORE.get(id)));
    }

    private static Principal oidc(String user, Set<String> operatorOf, Set<String> participantOf, Set<String> groups,
            boolean admin) {
        return new Principal(Principal.Kind.OIDC, "sub-" + user, user, admin, operatorOf, participantOf, groups);
    }

    @Test
    void shouldKeepTheOldRulesWithoutOidc() {
        AccessPolicy anonymous = policy(Principal.ANONYMOUS, false);
        assertTrue(anonymous.canRead(A.id()) && anonymous.canRead("") && anonymous.readsEverything());
        assertFalse(anonymous.canOperate("p11"), "changes need the operator token");
        AccessPolicy token = policy(Principal.OPERATOR_TOKEN, false);
        assertTrue(token.canOperate("p11") && token.canRead(C.id()));
    }

    @Test
    void shouldShowAnonymousRequestsNothingWithOidc() {
        AccessPolicy anonymous = policy(Principal.ANONYMOUS, true);
        assertFalse(anonymous.canRead(A.id()));
        assertFalse(anonymous.canRead(""));
        assertFalse(anonymous.canRead(A));
        assertFalse(anonymous.canOperateHere());
        assertFalse(anonymous.authenticated());
        AccessPolicy token = policy(Principal.OPERATOR_TOKEN, true);
        assertTrue(token.canRead(A.id()) && token.canRead("") && token.canOperateHere(), "the fallback token");
    }

    @Test
    void shouldGiveEachRoleItsBeamtimes() {
        AccessPolicy admin = policy(oidc("root", Set.of(), Set.of(), Set.of(), true), true);
        assertTrue(admin.canRead(C.id()) && admin.canOperate("p21") && admin.canOperateHere());

        AccessPolicy operator = policy(oidc("carol", Set.of("p11"), Set.of(), Set.of(), false), true);
        assertTrue(operator.canRead(A.id()) && operator.canRead("") && operator.canOperateHere());
        assertFalse(operator.canRead(C.id()), "another beamline's beamtime");
        assertFalse(operator.canOperate("p21"));
        assertFalse(operator.canOperate(""), "no beamline named: nobody but admins and the token");

        AccessPolicy byRole = policy(oidc("robert", Set.of(), Set.of(A.id()), Set.of(), false), true);
        AccessPolicy byGroup = policy(oidc("x", Set.of(), Set.of(), Set.of("bta"), false), true);
        AccessPolicy byPi = policy(oidc("alice", Set.of(), Set.of(), Set.of(), false), true);
        AccessPolicy byParticipant = policy(oidc("ann", Set.of(), Set.of(), Set.of(), false), true);
        for (AccessPolicy p : List.of(byRole, byGroup, byPi, byParticipant)) {
            assertTrue(p.canRead(A.id()), p.principal().describe());
            assertFalse(p.canRead(C.id()), p.principal().describe());
            assertFalse(p.canRead(""), "series outside any beamtime: " + p.principal().describe());
            assertFalse(p.canOperateHere(), p.principal().describe());
            assertFalse(p.readsEverything());
        }
        AccessPolicy stranger = policy(oidc("mallory", Set.of(), Set.of(), Set.of("users", ""), false), true);
        assertFalse(stranger.canRead(A.id()) || stranger.canRead(C.id()) || stranger.canRead("unknown"));
        AccessPolicy unknownBeamtime = policy(oidc("eve", Set.of(), Set.of("99999999"), Set.of(), false), true);
        assertTrue(unknownBeamtime.canRead("99999999"), "a role names a beamtime this store does not know");
    }
}
