package io.beamflow.core.config;

/** Simulated detector settings. */
public final class SimulatorConfig {
    /** Endpoint the simulator connects to (an ingest endpoint). */
    public String endpoint = "tcp://127.0.0.1:9999";
    /** Series id of the simulated series. */
    public String seriesId = "demo-0001";
    /** Number of frames. */
    public int frames = 1000;
    /** Frame width in pixels. */
    public int width = 1024;
    /** Frame height in pixels. */
    public int height = 1024;
    /** Frames per second; 0 sends as fast as possible. */
    public double rateHz = 200;
    /** Fraction of hit frames. */
    public double hitFraction = 0.3;
    /** Number of detector modules the frames are split into (rows split evenly). */
    public int modules = 1;
    /** Random seed. */
    public long seed = 42;
}
