/**
 * Who a control-API request comes from and what it may see: {@link io.beamflow.app.control.auth.Principal} (from an
 * OIDC bearer token checked by {@link io.beamflow.app.control.auth.OidcVerifier}, the static operator token, or
 * nobody) and {@link io.beamflow.app.control.auth.AccessPolicy}, which handlers ask before they show a beamtime's
 * data ({@code canRead}) or change a beamline's rules or beamtimes ({@code canOperate}).
 */
package io.beamflow.app.control.auth;
