package io.beamflow.core.config;

/** Control API, dashboard, live view and metrics settings. */
public final class ControlConfig {
    /** Address the HTTP server binds (loopback by default). */
    public String bindAddress = "127.0.0.1";
    /** HTTP port; 0 picks a free port. */
    public int httpPort = 8080;
    /** Operator token for mutating calls; empty means mutations are refused. */
    public String operatorToken = "";
    /** Live-view ZeroMQ PUB endpoint; empty: off. */
    public String liveViewEndpoint = "tcp://127.0.0.1:9998";
    /** Maximum live-view publish rate (frames per second). */
    public double liveViewMaxRateHz = 5;
}
