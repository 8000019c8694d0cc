package io.beamflow.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * OpenID Connect bearer tokens for the control API, dashboard and live view ({@code control.oidc}). With an
 * {@link #issuer} set, requests may carry {@code Authorization: Bearer <JWT>} signed by that issuer (keys from
 * {@link #jwksUrl}); claims map to roles: facility admin, operator of a beamline, participant of a beamtime. An
 * empty issuer leaves OIDC off (the operator token alone, as before).
 */
public final class OidcConfig {
    /** Issuer ({@code iss}) the tokens must name, e.g. {@code https://login.facility.example/realms/users}; empty: off. */
    public String issuer = "";
    /** Audience ({@code aud}) the tokens must include: this Beamflow's client id at the identity provider. */
    public String audience = "";
    /** URL of the issuer's JSON Web Key Set (https; http only on loopback). */
    public String jwksUrl = "";
    /** Signature algorithms accepted (asymmetric only: RS*, PS*, ES*; HS* and none are refused). */
    public List<String> algorithms = new ArrayList<>(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512"));
    /** Claim naming the account (matched against a beamtime's PI and participants); dotted paths reach into objects. */
    public String usernameClaim = "preferred_username";
    /** Claim listing roles (array or space-separated string; e.g. {@code realm_access.roles} for Keycloak). */
    public String rolesClaim = "roles";
    /** Claim listing groups (matched against a beamtime's Unix group; a leading {@code /} is ignored). */
    public String groupsClaim = "groups";
    /** Role (or group) that makes a facility admin: may read and operate everything. */
    public String adminRole = "beamflow-admin";
    /** Prefix of roles (or groups) naming a beamline its holder operates, e.g. {@code beamflow-operator:p11}. */
    public String operatorRolePrefix = "beamflow-operator:";
    /** Prefix of roles (or groups) naming a beamtime its holder takes part in, e.g. {@code beamflow-beamtime:11012345}. */
    public String participantRolePrefix = "beamflow-beamtime:";
    /** Clock skew tolerated on {@code exp} and {@code nbf}, seconds (0 to 300). */
    public int clockSkewSeconds = 60;
    /** How long fetched keys are used before they are fetched again, seconds. */
    public int jwksCacheSeconds = 300;
    /**
     * Least time between two fetches of the key set, seconds (a token with an unknown {@code kid} triggers a fetch;
     * this keeps a flood of such tokens from becoming a flood of requests to the identity provider); 0: no limit.
     */
    public int jwksMinRefreshSeconds = 30;
    /** Connect and read timeout of a key-set fetch, milliseconds. */
    public int jwksTimeoutMs = 2000;
    /** Largest key-set document accepted, bytes. */
    public int jwksMaxBytes = 64 * 1024;

    /** @return whether OIDC tokens are accepted (an issuer is configured) */
    public boolean enabled() {
        return issuer != null && !issuer.isBlank();
    }
}
