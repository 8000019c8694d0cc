package io.beamflow.core.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Flink job settings. */
public final class ReductionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Job parallelism: reduction subtasks the frames of one detector stream are spread over. 0 (default): the
     * processors available to this JVM, so that the embedded cluster uses the whole machine.
     */
    public int parallelism = 0;

    /** @return {@link #parallelism}, or the processors available to this JVM when it is 0 or less */
    public int effectiveParallelism() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }
    /**
     * REST address ({@code host:port}) of a Flink session cluster that {@code beamflow pipeline} submits the job
     * to; empty: an embedded MiniCluster in the pipeline's JVM. The cluster's TaskManagers must see the same
     * paths as the pipeline for journals (or use {@link #journalServers}), rules, output and checkpoints.
     */
    public String flinkRestAddress = "";
    /**
     * Jars the job takes to the session cluster of {@link #flinkRestAddress}; empty: every jar of the
     * pipeline's class path except Flink's own (in the distribution: {@code lib/} without {@code flink-*.jar}).
     */
    public List<String> jobJars = new ArrayList<>();
    /**
     * Address the embedded MiniCluster's REST endpoint, BlobServer, RPC and data exchange bind to. Flink's own
     * endpoints have no authentication (a REST client can submit a jar or cancel the job), so the default keeps
     * them on loopback; only a session cluster ({@link #flinkRestAddress}) should be reachable from elsewhere,
     * secured with Flink's own SSL and authentication settings.
     */
    public String embeddedBindAddress = "127.0.0.1";
    /**
     * Flink options (Flink's own keys, e.g. {@code security.ssl.rest.enabled},
     * {@code security.ssl.rest.truststore}, {@code security.ssl.rest.authentication-enabled}) for the client that
     * submits to {@link #flinkRestAddress}, or for the embedded cluster; applied last, so they win over
     * Beamflow's settings.
     */
    public Map<String, String> flinkConfiguration = new LinkedHashMap<>();
    /** Checkpoint interval in milliseconds. */
    public long checkpointIntervalMs = 2000;
    /** Directory for checkpoints. */
    public String checkpointDirectory = "data/checkpoints";
    /** Directory holding the active rule document ({@code active.json}) the running job follows. */
    public String rulesDirectory = "data/rules";

    /**
     * Journal servers of ingest nodes on other hosts ({@code tcp://host:port}: each node's
     * {@code ingest.journalServerEndpoint}). When set, the job reads its streams only from them, not from
     * {@code ingest.journalDirectory}, and releases their journal cycles through them after checkpoints.
     */
    public List<String> journalServers = new ArrayList<>();
    /** How long a request to a journal server waits for its reply, ms. */
    public int journalServerTimeoutMs = 5000;

    /** Bounded mode: each stream ends after this many SERIES_END records (0: run until cancelled). */
    public int stopAfterSeriesEnd = 0;
    /** Bounded mode: number of journal streams to wait for (0: one per ingest endpoint). */
    public int expectedStreams = 0;
    /** How often the source looks for new journal streams, ms. */
    public long streamDiscoveryIntervalMs = 500;
    /** How often the rules source polls {@code active.json}, ms. */
    public long rulePollIntervalMs = 200;

    /** Multi-module assembly; {@code modules} empty: single-module detector, no assembly. */
    public AssemblyConfig assembly = new AssemblyConfig();
    /** Pixel corrections (each optional). */
    public CorrectionConfig corrections = new CorrectionConfig();
    /** Named rectangular regions of interest summed for every frame. */
    public List<RoiConfig> rois = new ArrayList<>();
    /** Azimuthal integration. */
    public IntegrationConfig integration = new IntegrationConfig();
    /** Peak finding (peakfinder8-style). */
    public PeakFinderConfig peaks = new PeakFinderConfig();

    /** Module geometry of a multi-module detector. */
    public static final class AssemblyConfig implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Assembled image width in pixels (including gaps). */
        public int width;
        /** Assembled image height in pixels (including gaps). */
        public int height;
        /** A module part missing this long after the first part of its frame arrived makes the frame incomplete. */
        public long moduleTimeoutMs = 2000;
        /** Placement of each module, indexed by module index. */
        public List<ModulePlacement> modules = new ArrayList<>();
        /**
         * Width in pixels of one module as it is sent (before its orientation), for the NeXus master: one
         * NXdetector_module group per module and the gaps between modules flagged in the pixel mask; 0 (with
         * {@link #moduleHeight}): not known, the master describes the assembled image as one module.
         */
        public int moduleWidth;
        /** Height in pixels of one module as it is sent (see {@link #moduleWidth}). */
        public int moduleHeight;
    }

    /** Where a module's pixels go in the assembled image. */
    public static final class ModulePlacement implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Column of the module's first pixel (after orientation) in the assembled image. */
        public int x;
        /** Row of the module's first pixel (after orientation) in the assembled image. */
        public int y;
        /** Module orientation: rotation in degrees (0, 90, 180, 270), counter-clockwise, applied before placing. */
        public int rotationDeg;
        /** Mirror the module along x (fast axis) before rotating. */
        public boolean flipX;
    }

    /** Calibration files and thresholds; empty file names switch a correction off. */
    public static final class CorrectionConfig implements Serializable {
        private static final long serialVersionUID = 1L;

        /** HDF5 file with the pedestal/dark image (dataset {@link #pedestalDataset}). */
        public String pedestalFile = "";
        /** Dataset path in the pedestal file. */
        public String pedestalDataset = "/pedestal";
        /** HDF5 file with per-pixel gain (ADU per photon); pixels are divided by it. */
        public String gainFile = "";
        /** Dataset path in the gain file. */
        public String gainDataset = "/gain";
        /** HDF5 file with the flat field; pixels are divided by it. */
        public String flatFieldFile = "";
        /** Dataset path in the flat-field file. */
        public String flatFieldDataset = "/flatfield";
        /** HDF5 file with the bad/hot pixel mask (non-zero: masked). */
        public String maskFile = "";
        /** Dataset path in the mask file. */
        public String maskDataset = "/mask";
        /** Raw value at or above which a pixel counts as saturated (0: the pixel type's maximum). */
        public double saturationThreshold = 0;
    }

    /** A named region of interest: a rectangle, optionally restricted by a mask (width/height 0 with a mask: whole image). */
    public static final class RoiConfig implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Name used in rules as {@code roi['name']}. */
        public String name = "";
        /** First column. */
        public int x;
        /** First row. */
        public int y;
        /** Width in pixels. */
        public int width;
        /** Height in pixels. */
        public int height;
        /** Optional HDF5 file with a pixel mask (non-zero: in the ROI) intersected with the rectangle; empty: none. */
        public String maskFile = "";
        /** Dataset path of the ROI mask. */
        public String maskDataset = "/mask";
    }

    /** Azimuthal integration settings. */
    public static final class IntegrationConfig implements Serializable {
        private static final long serialVersionUID = 1L;

        /** pyFAI {@code .poni} geometry file; empty: integration off. */
        public String poniFile = "";
        /** Number of radial bins. */
        public int bins = 500;
        /** Radial unit: {@code 2th_deg} or {@code q_nm^-1}. */
        public String unit = "q_nm^-1";
    }

    /** Peak finder settings (peakfinder8-style). */
    public static final class PeakFinderConfig implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Whether peak finding runs. */
        public boolean enabled = false;
        /** Minimum signal-to-noise ratio of a peak pixel over the local radial background. */
        public double minSnr = 6.0;
        /** Minimum pixel value (ADC) of a peak pixel. */
        public double minAdc = 20.0;
        /** Minimum connected pixels per peak. */
        public int minPixels = 2;
        /** Maximum connected pixels per peak. */
        public int maxPixels = 50;
        /** Rings of the radial background statistics (pixels wide). */
        public double radialBinWidthPx = 2.0;
        /** Sigma-clipping iterations of the background statistics. */
        public int backgroundIterations = 3;
        /** Beam centre x (pixels); negative: image centre. */
        public double beamCenterX = -1;
        /** Beam centre y (pixels); negative: image centre. */
        public double beamCenterY = -1;
    }
}
