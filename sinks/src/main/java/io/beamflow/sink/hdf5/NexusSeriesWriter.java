package io.beamflow.sink.hdf5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameFeatures;
import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one series as NeXus NXmx files: a master file with the instrument metadata and geometry
 * ({@link NxmxMasterLayout}), the reduced data of every frame ({@code /entry/reduction}) and a virtual dataset
 * {@code /entry/data/data} over the data files holding the stored frames (one bitshuffle/LZ4 chunk per frame),
 * rolled every {@code framesPerFile} stored frames. Plain Java, no Flink types.
 *
 * <p>Everything is written under in-progress names; finished files are handed out by
 * {@link #drainCompleted()} as {@link Hdf5Committable}s for the caller to rename when durable.
 * {@link #snapshot()} / {@link #resume} carry an open series across a checkpoint and a restart.
 *
 * <p>This class keeps the series' accounting and its lifecycle (start, frames, quarantine, checkpoint, finish); its
 * parts write the files: {@link DataFileRoller} the data files, {@link ReductionTable} the per-frame reduction table,
 * {@link NxmxMasterLayout} the NXmx instrument, sample and data groups of the master, over {@link Hdf5FileWriter}.
 *
 * <p>Memory is bounded: one frame's compressed chunk, per reduction dataset one partly filled chunk
 * (at most {@value #REDUCTION_CHUNK_BYTES} bytes), and the chunk index (12 bytes per chunk).
 */
public final class NexusSeriesWriter {
    static final int REDUCTION_CHUNK_BYTES = ReductionTable.REDUCTION_CHUNK_BYTES;
    static final int MAX_ROWS_PER_CHUNK = ReductionTable.MAX_ROWS_PER_CHUNK;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Hdf5SinkSettings settings;
    private final SeriesPaths paths;
    private final State s;
    private Hdf5FileWriter master;
    private final List<Hdf5Committable> completed = new ArrayList<>();
    private final DataFileRoller dataFiles;
    /** The reduction table; {@code null} until the series' frame shape is known. */
    private ReductionTable table;
    private final FrameCompressor compressor;
    private final java.util.ArrayDeque<InFlight> inFlight = new java.util.ArrayDeque<>();

    /** Series state that survives a checkpoint (everything but the open file handles). */
    static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        String seriesId;
        String metadataJson = "{}";
        long startTimeMs;
        long firstAcqNs;
        long lastAcqNs;
        boolean shapeKnown;
        int width;
        int height;
        PixelType pixelType;
        List<String> roiNames = new ArrayList<>();
        int radialBins;
        long framesReceived;
        long framesStored;
        long framesReducedOnly;
        long framesVetoed;
        long framesRejected;
        long rawBytes;
        long storedBytes;
        long peaksTotal;
        long featureMismatches;
        int dataFileIndex;
        long framesInDataFile;
        long dataFirstFrame;
        long dataLastFrame;
        TreeMap<Long, String> ruleVersions = new TreeMap<>();
        TreeMap<String, Long> rejectReasons = new TreeMap<>();
        /** Why the series is quarantined (its later frames are rejected, its master marked failed); null: it is not. */
        String quarantineReason;
        long framesQuarantined;
        /** Why the series was closed before its SERIES_END; null: it was not. */
        String incompleteReason;
        /** Frames in data files already closed (complete on disk). */
        long framesInClosedFiles;
        /** Frames in each closed data file, in file order (the rows of the master's virtual dataset). */
        ArrayList<Long> closedFileFrames = new ArrayList<>();
        byte[] masterSnapshot;
        byte[] dataSnapshot;
        /** Files finished but not yet handed out by {@link #drainCompleted()} when the snapshot was taken. */
        ArrayList<Hdf5Committable> undrained = new ArrayList<>();
        /** Directory of the series chosen at its start (a beamtime's {@code raw/<series>}); null: from the settings. */
        String seriesDir;
    }

    private NexusSeriesWriter(Hdf5SinkSettings settings, State s, FrameCompressor compressor) {
        this.settings = settings;
        this.compressor = compressor == null ? new FrameCompressor(settings.compression(), 0) : compressor;
        this.s = s;
        this.paths = s.seriesDir == null ? SeriesPaths.of(settings, s.seriesId)
                : SeriesPaths.at(Path.of(s.seriesDir), s.seriesId);
        this.dataFiles = new DataFileRoller(settings, paths, s, completed);
    }

    /**
     * Starts a series: creates the series directory and the in-progress master file.
     *
     * @param settings     sink settings
     * @param seriesId     series id (sanitised for file names)
     * @param metadataJson series metadata from SERIES_START ({@code null}: none)
     * @return the writer
     * @throws IOException when the directory or file cannot be created (permissions, disk full)
     */
    public static NexusSeriesWriter start(Hdf5SinkSettings settings, String seriesId, String metadataJson)
            throws IOException {
        return start(settings, seriesId, metadataJson, null);
    }

    /**
     * Starts a series whose frames are compressed by a shared compressor (possibly multi-threaded).
     *
     * @param compressor frame compressor for {@code settings.compression()}; {@code null}: inline
     * @throws IOException when the directory or file cannot be created
     */
    public static NexusSeriesWriter start(Hdf5SinkSettings settings, String seriesId, String metadataJson,
                                          FrameCompressor compressor) throws IOException {
        return start(settings, null, seriesId, metadataJson, compressor);
    }

    /**
     * Starts a series in a directory chosen by the caller (a beamtime's {@code raw/}, whose default ACL the series
     * directory and its files inherit when they are created).
     *
     * @param placed     where the series goes; {@code null}: where the settings put it
     * @param compressor frame compressor for {@code settings.compression()}; {@code null}: inline
     * @throws IOException when the directory or file cannot be created
     */
    public static NexusSeriesWriter start(Hdf5SinkSettings settings, SeriesPaths placed, String seriesId,
                                          String metadataJson, FrameCompressor compressor) throws IOException {
        State st = new State();
        st.seriesId = seriesId;
        st.seriesDir = placed == null ? null : placed.seriesDir().toString();
        st.metadataJson = metadataJson == null || metadataJson.isBlank() ? "{}" : metadataJson;
        st.startTimeMs = System.currentTimeMillis();
        NexusSeriesWriter w = new NexusSeriesWriter(settings, st, compressor);
        Files.createDirectories(w.paths.seriesDir());
        // in-progress files left by an attempt that failed before its first checkpoint of this series
        try (java.util.stream.Stream<Path> old = Files.list(w.paths.seriesDir())) {
            for (Path p : (Iterable<Path>) old::iterator) {
                if (SeriesPaths.isInProgress(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        w.master = Hdf5FileWriter.create(SeriesPaths.inProgress(w.paths.master()));
        return w;
    }

    /** @return the series' master file while it is being written (for {@link StreamMetadataLayout}) */
    Hdf5FileWriter master() {
        return master;
    }

    /**
     * Restores a series from {@link #snapshot()}, truncating its in-progress files to the snapshot.
     *
     * @throws IOException when an in-progress file is missing or shorter than recorded
     */
    public static NexusSeriesWriter resume(Hdf5SinkSettings settings, byte[] snapshot) throws IOException {
        return resume(settings, snapshot, null);
    }

    /**
     * Restores a series from {@link #snapshot()} with a shared frame compressor.
     *
     * @throws IOException when an in-progress file is missing or shorter than recorded
     */
    public static NexusSeriesWriter resume(Hdf5SinkSettings settings, byte[] snapshot, FrameCompressor compressor)
            throws IOException {
        State st = NexusSeriesStateCodec.decode(snapshot);
        NexusSeriesWriter w = new NexusSeriesWriter(settings, st, compressor);
        // the files where this sink puts them now; the recorded paths where those do not exist
        w.master = Hdf5FileWriter.resume(st.masterSnapshot, existing(SeriesPaths.inProgress(w.paths.master())));
        w.completed.addAll(st.undrained);
        w.dataFiles.resume(st.dataSnapshot);
        if (st.shapeKnown) {
            w.table = ReductionTable.open(w.master, st.roiNames, st.radialBins);
        }
        return w;
    }

    private static Path existing(Path p) {
        return Files.exists(p) ? p : null;
    }

    /**
     * Forces the open files to disk and returns the series state.
     *
     * @throws IOException when data cannot be forced to disk
     */
    public byte[] snapshot() throws IOException {
        drain(true);
        s.masterSnapshot = master.snapshot();
        s.dataSnapshot = dataFiles.snapshot();
        s.undrained = new ArrayList<>(completed);
        byte[] bytes = NexusSeriesStateCodec.encode(s);
        s.masterSnapshot = null;
        s.dataSnapshot = null;
        return bytes;
    }

    /** @return the series id */
    public String seriesId() {
        return s.seriesId;
    }

    /** @return the file paths of this series */
    public SeriesPaths paths() {
        return paths;
    }

    /** @return frames received so far */
    public long framesReceived() {
        return s.framesReceived;
    }

    /** @return frames whose pixels were stored */
    public long framesStored() {
        return s.framesStored;
    }

    /** @return frames whose pixels were rejected (wrong shape/size), with their reduced data kept */
    public long framesRejected() {
        return s.framesRejected;
    }

    /**
     * Records one frame: its reduced data always, its pixels when present.
     *
     * @param r a FRAME result of this series
     * @throws IOException on write errors
     */
    public void frame(FrameResult r) throws IOException {
        if (s.quarantineReason != null) {
            quarantinedFrame();
            return;
        }
        if (!s.shapeKnown) {
            if (r.width < 1 || r.height < 1) {
                s.framesReceived++;
                s.framesRejected++;
                s.rejectReasons.merge("frame without shape (" + r.width + "x" + r.height + ")", 1L, Long::sum);
                return;
            }
            initShape(r);
        }
        s.framesReceived++;
        if (s.framesReceived == 1) {
            s.firstAcqNs = r.acquisitionTimeNs;
        }
        s.lastAcqNs = Math.max(s.lastAcqNs, r.acquisitionTimeNs);
        boolean stored = false;
        if (r.pixels != null || r.chunk != null) {
            String problem = checkPixels(r);
            if (problem == null) {
                storePixels(r);
                stored = true;
            } else {
                s.framesRejected++;
                s.rejectReasons.merge(problem, 1L, Long::sum);
            }
        } else if (r.decision == Decision.VETO) {
            s.framesVetoed++;
        } else {
            s.framesReducedOnly++;
        }
        s.ruleVersions.putIfAbsent(r.ruleVersion, r.ruleName == null ? "" : r.ruleName);
        appendReduction(r, stored);
    }

    /**
     * Quarantines the series: its later frames are counted as rejected with the reason instead of being written,
     * and its master file says the series failed, and why. The first reason stays.
     *
     * @param reason why
     */
    public void quarantine(String reason) {
        if (s.quarantineReason == null) {
            s.quarantineReason = reason == null || reason.isBlank() ? "unknown failure" : reason;
        }
    }

    /**
     * Ends the series before its SERIES_END (the sink closes it to open another): like {@link #finish}, with the
     * master saying the series is incomplete, and why.
     *
     * @param reason why
     * @throws IOException on write errors
     */
    public void finishIncomplete(String reason) throws IOException {
        s.incompleteReason = reason;
        finish(-1);
    }

    /** @return why the series is quarantined, or {@code null} */
    public String quarantineReason() {
        return s.quarantineReason;
    }

    /** @return frames counted as rejected because the series is quarantined */
    public long framesQuarantined() {
        return s.framesQuarantined;
    }

    /**
     * Counts a frame of the quarantined series as received and rejected with the quarantine reason.
     *
     * @throws IllegalStateException when the series is not quarantined
     */
    public void quarantinedFrame() {
        if (s.quarantineReason == null) {
            throw new IllegalStateException("series " + s.seriesId + " is not quarantined");
        }
        s.framesReceived++;
        s.framesRejected++;
        s.framesQuarantined++;
        s.rejectReasons.merge("series quarantined: " + s.quarantineReason, 1L, Long::sum);
    }

    /**
     * After a write failure: deletes the data file being written (it may be damaged) and counts its frames,
     * and those still being compressed, as rejected instead of stored.
     */
    public void discardOpenDataFile() {
        inFlight.clear();
        dataFiles.discard();
        long lost = s.framesStored - s.framesInClosedFiles;
        if (lost > 0) {
            s.framesStored -= lost;
            s.framesRejected += lost;
            s.rejectReasons.merge("data file lost: " + s.quarantineReason, lost, Long::sum);
        }
    }

    private String checkPixels(FrameResult r) {
        if (r.width != s.width || r.height != s.height || r.pixelType != s.pixelType) {
            return "shape " + r.width + "x" + r.height + " " + r.pixelType + " differs from series "
                    + s.width + "x" + s.height + " " + s.pixelType;
        }
        long expected = (long) r.width * r.height * r.pixelType.bytes();
        if (r.chunk != null && !settings.compression().configName().equals(r.chunkCodec) && r.pixels == null) {
            return "chunk encoded as " + r.chunkCodec + ", files are " + settings.compression().configName();
        }
        if (r.pixels != null && r.pixels.length != expected) {
            return "pixel bytes " + r.pixels.length + " != " + expected;
        }
        return null;
    }

    private void initShape(FrameResult r) {
        if (r.width < 1 || r.height < 1) {
            throw new IllegalArgumentException("frame " + r.frameNumber + " of " + s.seriesId + " has no shape");
        }
        s.shapeKnown = true;
        s.width = r.width;
        s.height = r.height;
        s.pixelType = r.pixelType == null ? PixelType.UINT16 : r.pixelType;
        FrameFeatures f = r.features == null ? new FrameFeatures() : r.features;
        s.roiNames = new ArrayList<>(f.roiSums.keySet());
        s.radialBins = f.radialProfile.length;
        table = ReductionTable.create(master, s.roiNames, s.radialBins);
    }

    private void storePixels(FrameResult r) throws IOException {
        s.framesStored++;
        CompletableFuture<FrameCompressor.EncodedChunk> chunk;
        if (r.chunk != null && settings.compression().configName().equals(r.chunkCodec)) {
            // encoded in the reduction subtask with this sink's compression: written as it is
            int raw = Math.toIntExact((long) r.width * r.height * r.pixelType.bytes());
            chunk = CompletableFuture.completedFuture(FrameCompressor.EncodedChunk.of(r.chunk, raw));
        } else {
            chunk = compressor.submit(r.pixels, r.pixelType.bytes());
        }
        inFlight.add(new InFlight(chunk, r.frameNumber));
        drain(false);
    }

    /** Writes compressed frames in arrival order: all of them, or while too many are in flight. */
    private void drain(boolean all) throws IOException {
        while (!inFlight.isEmpty()
                && (all || inFlight.size() > compressor.maxInFlight() || inFlight.peek().chunk.isDone())) {
            InFlight f = inFlight.poll();
            FrameCompressor.EncodedChunk c;
            try {
                c = f.chunk.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while compressing frame " + f.frameNumber);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("compressing frame " + f.frameNumber + " failed: " + e.getCause(), e.getCause());
            }
            dataFiles.write(c, f.frameNumber);
            compressor.recycle(c);
        }
    }

    /** A frame being compressed. */
    private record InFlight(java.util.concurrent.CompletableFuture<FrameCompressor.EncodedChunk> chunk, long frameNumber) {
    }

    private void appendReduction(FrameResult r, boolean stored) throws IOException {
        FrameFeatures f = r.features == null ? new FrameFeatures() : r.features;
        int peaks = ReductionTable.peakCount(f);
        int dataFile = stored ? dataFiles.fileOfStoredFrame(s.framesStored) : 0;
        s.featureMismatches += table.append(new ReductionTable.Frame(r, f, stored, dataFile, peaks, s.peaksTotal));
        s.peaksTotal += peaks;
    }

    /**
     * Ends the series: closes the last data file and completes the master file (instrument metadata,
     * links to all data files, series summary). Both are then available from {@link #drainCompleted()},
     * the master last.
     *
     * @param announcedFrames frame count the sender announced at series end (negative: unknown)
     * @throws IOException on write errors
     */
    public void finish(long announcedFrames) throws IOException {
        drain(true);
        dataFiles.close();
        writeMasterMetadata(announcedFrames);
        Path temp = master.path();
        master.close();
        completed.add(new Hdf5Committable(s.seriesId, temp.toString(), paths.master().toString(), Files.size(temp)));
    }

    /**
     * Waits for the frames being compressed and writes them (possibly finishing a data file).
     *
     * @throws IOException on write errors
     */
    public void flush() throws IOException {
        drain(true);
    }

    /** @return files finished since the last call, data files before their master */
    public List<Hdf5Committable> drainCompleted() {
        List<Hdf5Committable> out = new ArrayList<>(completed);
        completed.clear();
        return out;
    }

    /** Closes the open files without finishing them; they stay for {@link #resume}. */
    public void release() {
        inFlight.clear();
        dataFiles.release();
        master.release();
    }

    /** Closes and deletes the in-progress files (used when a series is abandoned). */
    public void abort() {
        inFlight.clear();
        dataFiles.abort();
        master.abort();
    }

    private void writeMasterMetadata(long announcedFrames) throws IOException {
        JsonNode meta;
        try {
            meta = JSON.readTree(s.metadataJson);
        } catch (IOException e) {
            meta = JSON.createObjectNode();
            s.rejectReasons.merge("unparsable series metadata", 1L, Long::sum);
        }
        if (meta == null || !meta.isObject()) {
            meta = JSON.createObjectNode();
        }
        Hdf5FileWriter m = master;
        m.group("/entry/instrument/detector").group("/entry/sample").group("/entry/data").group("/entry/reduction");
        m.attribute("/", "default", "entry");
        m.attribute("/", "creator", "Beamflow HDF5 sink");
        m.attribute("/entry", "NX_class", "NXentry");
        m.attribute("/entry", "default", "data");
        m.stringDataset("/entry/definition", "NXmx");
        m.stringDataset("/entry/series_id", s.seriesId);
        long startMs = s.firstAcqNs > 0 ? s.firstAcqNs / 1_000_000 : s.startTimeMs;
        long endMs = s.lastAcqNs > 0 ? s.lastAcqNs / 1_000_000 : System.currentTimeMillis();
        m.stringDataset("/entry/start_time", Instant.ofEpochMilli(startMs).toString());
        m.stringDataset("/entry/end_time", Instant.ofEpochMilli(endMs).toString());
        m.stringDataset("/entry/metadata_json", s.metadataJson);
        long[] versions = s.ruleVersions.keySet().stream().mapToLong(Long::longValue).toArray();
        ByteBuffer vb = ByteBuffer.allocate(8 * versions.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : versions) {
            vb.putLong(v);
        }
        m.dataset("/entry/rule_versions", H5Type.INT64, new long[] {versions.length}, vb.array());

        new NxmxMasterLayout(m, meta, settings.detector(),
                new NxmxMasterLayout.Series(s.width, s.height, s.pixelType, s.framesStored, dataFiles.closedFiles(),
                        PixelMask.of(settings.detector(), s.width, s.height)))
                .write();

        String red = "/entry/reduction";
        m.attribute(red, "NX_class", "NXprocess");
        m.attribute(red, "frames_received", s.framesReceived);
        m.attribute(red, "frames_stored", s.framesStored);
        m.attribute(red, "frames_reduced_only", s.framesReducedOnly);
        m.attribute(red, "frames_vetoed", s.framesVetoed);
        m.attribute(red, "frames_rejected", s.framesRejected);
        m.attribute(red, "frames_quarantined", s.framesQuarantined);
        m.attribute(red, "status", s.quarantineReason != null ? "failed" : s.incompleteReason != null ? "incomplete" : "ok");
        m.attribute(red, "failure_reason", s.quarantineReason != null ? s.quarantineReason
                : s.incompleteReason != null ? s.incompleteReason : "");
        m.attribute(red, "frames_announced", announcedFrames);
        m.attribute(red, "frames_missing", announcedFrames >= 0 ? Math.max(0, announcedFrames - s.framesReceived) : 0);
        m.attribute(red, "feature_mismatches", s.featureMismatches);
        m.attribute(red, "data_files", s.dataFileIndex);
        m.attribute(red, "frames_per_file", settings.framesPerFile());
        m.attribute(red, "compression", settings.compression().configName());
        m.attribute(red, "raw_bytes", s.rawBytes);
        m.attribute(red, "stored_bytes", s.storedBytes);
        m.attribute(red, "compression_ratio", s.storedBytes > 0 ? (double) s.rawBytes / s.storedBytes : 0.0);
        StringBuilder rules = new StringBuilder();
        for (Map.Entry<Long, String> e : s.ruleVersions.entrySet()) {
            rules.append(rules.length() == 0 ? "" : "; ").append(e.getKey()).append(':').append(e.getValue());
        }
        m.attribute(red, "rule_versions", rules.toString());
        StringBuilder reasons = new StringBuilder();
        for (Map.Entry<String, Long> e : s.rejectReasons.entrySet()) {
            reasons.append(reasons.length() == 0 ? "" : "; ").append(e.getValue()).append(" x ").append(e.getKey());
        }
        m.attribute(red, "reject_reasons", reasons.toString());
        if (!s.shapeKnown) {
            return;
        }
        table.writeMetadata(meta);
    }

    /** @return counts for logs and summaries */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", s.framesReceived);
        m.put("stored", s.framesStored);
        m.put("reducedOnly", s.framesReducedOnly);
        m.put("vetoed", s.framesVetoed);
        m.put("rejected", s.framesRejected);
        m.put("quarantined", s.framesQuarantined);
        return m;
    }
}
