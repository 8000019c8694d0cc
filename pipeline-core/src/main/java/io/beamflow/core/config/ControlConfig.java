package io.beamflow.core.config;

/** Control API, dashboard, live view and metrics settings. */
public final class ControlConfig {
    /** Address the HTTP server binds (loopback by default: the read endpoints need no token). */
    public String bindAddress = "127.0.0.1";
    /**
     * Host names (without port) the HTTP server answers to besides IP addresses and {@code localhost};
     * a request naming another host in its {@code Host} header is refused with 421 (DNS rebinding).
     */
    public java.util.List<String> allowedHosts = new java.util.ArrayList<>();
    /**
     * Whether clients on other hosts may use the read endpoints (dashboard, status, metrics, live view,
     * rules) without the operator token when {@link #bindAddress} is not loopback. Off by default: the
     * reads stay on loopback unless this is set.
     */
    public boolean remoteReads = false;
    /** HTTP port; 0 picks a free port. */
    public int httpPort = 8080;
    /**
     * Operator token for mutating calls; empty means mutations are refused. The environment variable
     * {@code BEAMFLOW_OPERATOR_TOKEN}, when set, takes precedence (keeps the secret out of the file).
     */
    public String operatorToken = "";
    /** Live-view ZeroMQ PUB endpoint; empty: off. */
    public String liveViewEndpoint = "tcp://127.0.0.1:9998";
    /** Maximum live-view publish rate (frames per second). */
    public double liveViewMaxRateHz = 5;
    /** Longest edge (pixels) of live-view images; larger frames are max-pooled down to it. */
    public int liveViewMaxEdge = 512;
    /**
     * Live-view endpoint the dashboard subscribes to; empty: the same as {@link #liveViewEndpoint}
     * (set it when the job runs on a remote Flink cluster).
     */
    public String dashboardSubscribeEndpoint = "";
    /** Directory of the rule store: every version and the audit log, as JSON-lines files. */
    public String ruleStoreDirectory = "data/rules-store";
    /** OpenID Connect bearer tokens (off unless {@code control.oidc.issuer} is set). */
    public OidcConfig oidc = new OidcConfig();
    /** Largest accepted HTTP request body in bytes. */
    public int maxRequestBytes = 1 << 20;
}
