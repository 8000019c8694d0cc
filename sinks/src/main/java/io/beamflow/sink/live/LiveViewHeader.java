package io.beamflow.sink.live;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * First (JSON) part of a live-view message; see {@link LiveViewCodec} for the wire format. Public
 * fields so that it maps one-to-one onto the JSON object beamline GUIs read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class LiveViewHeader {
    /** Format tag and version of the header, always {@link LiveViewCodec#HTYPE}. */
    public String htype = LiveViewCodec.HTYPE;
    /** {@code frame}, {@code series_start} or {@code series_end}. */
    public String type;
    /** Series id. */
    public String series;
    /** Frame number ({@code frame}) or frames announced by the sender ({@code series_end}). */
    public long frame;
    /** Acquisition time, ns since the epoch. */
    public long acquisitionTimeNs;
    /** Time the ingest node received the frame, ns since the epoch. */
    public long receiveTimeNs;
    /** Time this message was published, ns since the epoch. */
    public long publishTimeNs;
    /** Shape {@code [height, width]} of the image in the data part; absent when there is none. */
    public int[] shape;
    /** Shape {@code [height, width]} of the detector frame before downsampling. */
    public int[] sourceShape;
    /** Source pixels per image pixel along each axis (max-pooled). */
    public int binning;
    /** Element type of the data part ({@code float32}); absent when there is no image. */
    public String dtype;
    /** Byte order of the data part ({@code little}). */
    public String byteOrder;
    /** Trigger decision: {@code KEEP}, {@code REDUCED_ONLY} or {@code VETO}. */
    public String decision;
    /** Rule that decided (empty: the document's default action). */
    public String ruleName;
    /** Version of the rule document that decided. */
    public long ruleVersion;
    /** Whether module parts were missing. */
    public boolean incomplete;
    /** Frame statistics. */
    public Stats stats;
    /** Azimuthally integrated profile (intensity per radial bin). */
    public float[] radialProfile;
    /** Peaks found. */
    public Peaks peaks;
    /** Counts over every frame seen since the previous published frame, so rates are exact. */
    public Window window;
    /**
     * Live path only: this frame is one of every {@code liveEvery} frames of its series (the live path skips the
     * others; the record path writes them all).
     */
    public Long liveEvery;
    /** Live path only: how far the record path (files, counts) is behind the frames shown. */
    public RecordPath recordPath;
    /** Series metadata JSON ({@code series_start} only). */
    public String metadata;

    /** Frame statistics. */
    public static final class Stats {
        /** Sum of valid pixels. */
        public double sum;
        /** Maximum valid pixel. */
        public double max;
        /** Mean of valid pixels. */
        public double mean;
        /** Saturated pixels. */
        public long saturated;
        /** ROI sums by name. */
        public Map<String, Double> roi = new LinkedHashMap<>();
    }

    /** Peak list. */
    public static final class Peaks {
        /** Number of peaks. */
        public int count;
        /** Fast-axis positions, detector pixels. */
        public float[] x;
        /** Slow-axis positions, detector pixels. */
        public float[] y;
        /** Integrated intensities. */
        public float[] intensity;
    }

    /** Counters over a window of frames (since the previous published message) and since start. */
    public static final class Window {
        /** Frames seen in the window. */
        public long frames;
        /** Frames decided KEEP in the window ("hits", see the README). */
        public long kept;
        /** Frames decided REDUCED_ONLY in the window. */
        public long reducedOnly;
        /** Frames decided VETO in the window. */
        public long vetoed;
        /** Sum of peak counts over the window's frames. */
        public long peaks;
        /** Incomplete frames in the window. */
        public long incomplete;
        /** Length of the window, ns. */
        public long durationNs;
        /** Frames seen by the publisher since it started. */
        public long framesTotal;
        /** Frames decided KEEP since the publisher started. */
        public long keptTotal;
    }

    /** How far the record path is behind the live path. */
    public static final class RecordPath {
        /** Frames of the shown series received but not yet through the record path. */
        public long behindFrames;
        /** Age of the newest frame through the record path when it passed (receive to decision), s. */
        public double behindSeconds;
        /** Frames per second through the record path, over the last messages. */
        public double framesPerSecond;
        /** Estimated seconds until the record path has caught up; -1 while it is not gaining. */
        public double catchUpSeconds;
    }
}
