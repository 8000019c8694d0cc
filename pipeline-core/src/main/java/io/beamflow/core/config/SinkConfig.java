package io.beamflow.core.config;

/** HDF5/NeXus output settings. */
public final class SinkConfig {
    /** Root of the beamline filesystem where series are written. */
    public String outputRoot = "data/raw";
    /**
     * Beamtime (proposal) directory under the root, used when {@link #beamtimeStore} is empty (the demo's layout
     * {@code <outputRoot>/<beamtime>/<series>/}, files readable as the process's umask allows).
     */
    public String beamtime = "commissioning";
    /**
     * The beamtime store ({@code beamtimes.jsonl}) the control API writes; when set, every series goes to the
     * beamtime open on {@link #beamline} at its SERIES_START, in the ASAP3 layout
     * {@code <outputRoot>/<year>/data/<beamtime-id>/raw/<series>/}, owned by the beamtime's group with ACLs for its
     * participants and {@link #beamlineStaff}; a series without a beamtime is refused. Empty: {@link #beamtime}.
     */
    public String beamtimeStore = "";
    /** The beamline this pipeline writes for (beamtimes of other beamlines are ignored); empty: any. */
    public String beamline = "";
    /** Unix accounts of the beamline's staff, who may read every beamtime's data (POSIX ACL entries). */
    public java.util.List<String> beamlineStaff = new java.util.ArrayList<>();
    /** Frames per data file. */
    public int framesPerFile = 1000;
    /** Compression: {@code bslz4} (default), {@code deflate} or {@code none}. */
    public String compression = "bslz4";
    /** Threads compressing frames in parallel per sink writer; 0: inline on the writer thread. */
    public int compressionThreads = 2;
    /**
     * Series one sink writer keeps open at once (each holds two open files and its buffers, about 1 MB): a sender
     * that starts series and never ends them cannot exhaust file descriptors or memory. Starting one more closes
     * the longest-idle open series as incomplete (its master says so; counted in {@code hdf5SeriesEvicted}).
     */
    public int maxOpenSeries = 64;
    /**
     * File with the detector's pixel mask for the NeXus master ({@code pixel_mask}, DECTRIS bit meanings: bit 0 gap,
     * 1 dead, 2 under-responding, 3 over-responding, 4 noisy; 0 a good pixel): NumPy {@code .npy}, TIFF
     * ({@code .tif}, {@code .tiff}, uncompressed) or HDF5 (dataset {@link #pixelMaskDataset}), unsigned integers of
     * the assembled image's size. The gaps between modules are flagged (bit 0) in any case. Empty: no mask file.
     */
    public String pixelMaskFile = "";
    /** Dataset of the mask in an HDF5 {@link #pixelMaskFile}. */
    public String pixelMaskDataset = "/pixel_mask";
    /** Detector metadata for the NeXus master file (series metadata overrides it). */
    public DetectorInfo detector = new DetectorInfo();
}
