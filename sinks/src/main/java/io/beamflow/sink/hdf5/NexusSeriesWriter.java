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
import java.nio.charset.StandardCharsets;
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
 * <p>Memory is bounded: one frame's compressed chunk, per reduction dataset one partly filled chunk
 * (at most {@value #REDUCTION_CHUNK_BYTES} bytes), and the chunk index (12 bytes per chunk).
 */
public final class NexusSeriesWriter {
    static final int REDUCTION_CHUNK_BYTES = 256 * 1024;
    static final int MAX_ROWS_PER_CHUNK = 4096;
    static final int RULE_NAME_BYTES = 64;
    static final int DECISION_BYTES = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Hdf5SinkSettings settings;
    private final SeriesPaths paths;
    private final State s;
    private Hdf5FileWriter master;
    private Hdf5FileWriter data;
    private final List<Hdf5Committable> completed = new ArrayList<>();
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
        if (st.dataSnapshot != null) {
            w.data = Hdf5FileWriter.resume(st.dataSnapshot,
                    existing(SeriesPaths.inProgress(w.paths.dataFile(st.dataFileIndex))));
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
        s.dataSnapshot = data == null ? null : data.snapshot();
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
        if (data != null) {
            data.abort();
            data = null;
            s.framesInDataFile = 0;
            s.dataFileIndex--;
        }
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
        String g = "/entry/reduction";
        scalar(g + "/frame_number", H5Type.INT64);
        scalar(g + "/acquisition_time_ns", H5Type.INT64);
        scalar(g + "/receive_time_ns", H5Type.INT64);
        scalar(g + "/sum", H5Type.FLOAT64);
        scalar(g + "/max", H5Type.FLOAT64);
        scalar(g + "/mean", H5Type.FLOAT64);
        scalar(g + "/saturated_pixels", H5Type.INT64);
        scalar(g + "/decision", H5Type.string(DECISION_BYTES));
        scalar(g + "/rule_name", H5Type.string(RULE_NAME_BYTES));
        scalar(g + "/rule_version", H5Type.INT64);
        scalar(g + "/pixels_stored", H5Type.UINT8);
        scalar(g + "/data_file", H5Type.INT32);
        scalar(g + "/incomplete", H5Type.UINT8);
        scalar(g + "/peak_count", H5Type.INT32);
        scalar(g + "/peak_start", H5Type.INT64);
        if (!s.roiNames.isEmpty()) {
            array(g + "/roi_sums", H5Type.FLOAT64, s.roiNames.size());
        }
        if (s.radialBins > 0) {
            array(g + "/radial_profile", H5Type.FLOAT32, s.radialBins);
        }
        for (String p : new String[] {"frame_number"}) {
            master.chunkedDataset(g + "/peaks/" + p, H5Type.INT64, new long[0], MAX_ROWS_PER_CHUNK, Compression.DEFLATE);
        }
        for (String p : new String[] {"x", "y", "intensity"}) {
            master.chunkedDataset(g + "/peaks/" + p, H5Type.FLOAT32, new long[0], MAX_ROWS_PER_CHUNK, Compression.DEFLATE);
        }
    }

    private void scalar(String path, H5Type type) {
        master.chunkedDataset(path, type, new long[0], MAX_ROWS_PER_CHUNK, Compression.DEFLATE);
    }

    private void array(String path, H5Type type, int n) {
        int rows = (int) Math.max(1, Math.min(MAX_ROWS_PER_CHUNK, REDUCTION_CHUNK_BYTES / ((long) n * type.size())));
        master.chunkedDataset(path, type, new long[] {n}, rows, Compression.DEFLATE);
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
            writeEncoded(c, f.frameNumber);
            compressor.recycle(c);
        }
    }

    private void writeEncoded(FrameCompressor.EncodedChunk c, long frameNumber) throws IOException {
        if (data == null) {
            int index = s.dataFileIndex + 1;
            Hdf5FileWriter created = Hdf5FileWriter.create(SeriesPaths.inProgress(paths.dataFile(index)));
            try {
                created.group("/entry/data");
                created.chunkedDataset("/entry/data/data", H5Type.of(s.pixelType), new long[] {s.height, s.width}, 1,
                        settings.compression());
                created.chunkedDataset("/entry/data/frame_number", H5Type.INT64, new long[0],
                        Math.min(MAX_ROWS_PER_CHUNK, settings.framesPerFile()), Compression.NONE);
            } catch (RuntimeException e) {
                created.abort();
                throw e;
            }
            data = created;
            s.dataFileIndex = index; // the master links only data files that exist
            s.framesInDataFile = 0;
            s.dataFirstFrame = frameNumber;
        }
        data.appendEncodedChunk(data.chunked("/entry/data/data"), c.data, 0, c.length);
        s.storedBytes += c.length;
        s.rawBytes += c.rawLength;
        data.appendRows(data.chunked("/entry/data/frame_number"), le8(frameNumber), 0, 1);
        s.dataLastFrame = frameNumber;
        s.framesInDataFile++;
        if (s.framesInDataFile >= settings.framesPerFile()) {
            closeDataFile();
        }
    }

    /** A frame being compressed. */
    private record InFlight(java.util.concurrent.CompletableFuture<FrameCompressor.EncodedChunk> chunk, long frameNumber) {
    }

    private void closeDataFile() throws IOException {
        if (data == null) {
            return;
        }
        data.attribute("/entry", "NX_class", "NXentry");
        data.attribute("/entry/data", "NX_class", "NXdata");
        data.attribute("/entry/data", "signal", "data");
        data.attribute("/entry/data/data", "image_nr_low", s.dataFirstFrame);
        data.attribute("/entry/data/data", "image_nr_high", s.dataLastFrame);
        data.attribute("/entry/data/data", "compression", settings.compression().configName());
        Path temp = data.path();
        data.close();
        data = null;
        s.framesInClosedFiles += s.framesInDataFile;
        s.closedFileFrames.add(s.framesInDataFile);
        completed.add(new Hdf5Committable(s.seriesId, temp.toString(),
                paths.dataFile(s.dataFileIndex).toString(), Files.size(temp)));
    }

    private void appendReduction(FrameResult r, boolean stored) throws IOException {
        String g = "/entry/reduction";
        FrameFeatures f = r.features == null ? new FrameFeatures() : r.features;
        row(g + "/frame_number", le8(r.frameNumber));
        row(g + "/acquisition_time_ns", le8(r.acquisitionTimeNs));
        row(g + "/receive_time_ns", le8(r.receiveTimeNs));
        row(g + "/sum", le8(Double.doubleToLongBits(f.sum)));
        row(g + "/max", le8(Double.doubleToLongBits(f.max)));
        row(g + "/mean", le8(Double.doubleToLongBits(f.mean)));
        row(g + "/saturated_pixels", le8(f.saturatedPixels));
        textRow(g + "/decision", r.decision == null ? "" : r.decision.name());
        textRow(g + "/rule_name", r.ruleName == null ? "" : r.ruleName);
        row(g + "/rule_version", le8(r.ruleVersion));
        row(g + "/pixels_stored", new byte[] {(byte) (stored ? 1 : 0)});
        row(g + "/data_file", le4(stored ? (int) ((s.framesStored - 1) / settings.framesPerFile()) + 1 : 0));
        row(g + "/incomplete", new byte[] {(byte) (r.incomplete ? 1 : 0)});
        int peaks = Math.min(f.peakX.length, Math.min(f.peakY.length, f.peakIntensity.length));
        if (peaks != f.peakX.length || peaks != f.peakY.length || peaks != f.peakIntensity.length) {
            s.featureMismatches++;
        }
        row(g + "/peak_count", le4(peaks));
        row(g + "/peak_start", le8(s.peaksTotal));
        if (peaks > 0) {
            ByteBuffer fn = ByteBuffer.allocate(8 * peaks).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer x = ByteBuffer.allocate(4 * peaks).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer y = ByteBuffer.allocate(4 * peaks).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer in = ByteBuffer.allocate(4 * peaks).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < peaks; i++) {
                fn.putLong(r.frameNumber);
                x.putFloat(f.peakX[i]);
                y.putFloat(f.peakY[i]);
                in.putFloat(f.peakIntensity[i]);
            }
            rows(g + "/peaks/frame_number", fn.array(), peaks);
            rows(g + "/peaks/x", x.array(), peaks);
            rows(g + "/peaks/y", y.array(), peaks);
            rows(g + "/peaks/intensity", in.array(), peaks);
            s.peaksTotal += peaks;
        }
        if (!s.roiNames.isEmpty()) {
            ByteBuffer b = ByteBuffer.allocate(8 * s.roiNames.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (!f.roiSums.keySet().equals(new java.util.LinkedHashSet<>(s.roiNames))) {
                s.featureMismatches++;
            }
            for (String name : s.roiNames) {
                Double v = f.roiSums.get(name);
                b.putDouble(v == null ? Double.NaN : v);
            }
            row(g + "/roi_sums", b.array());
        }
        if (s.radialBins > 0) {
            ByteBuffer b = ByteBuffer.allocate(4 * s.radialBins).order(ByteOrder.LITTLE_ENDIAN);
            if (f.radialProfile.length != s.radialBins) {
                s.featureMismatches++;
            }
            for (int i = 0; i < s.radialBins; i++) {
                b.putFloat(i < f.radialProfile.length ? f.radialProfile[i] : Float.NaN);
            }
            row(g + "/radial_profile", b.array());
        }
    }

    private void row(String path, byte[] bytes) throws IOException {
        master.appendRows(master.chunked(path), bytes, 0, 1);
    }

    private void rows(String path, byte[] bytes, int n) throws IOException {
        master.appendRows(master.chunked(path), bytes, 0, n);
    }

    private byte[] le8(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private byte[] le4(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** A string row sized by its column (series resumed from an earlier release keep their narrower columns). */
    private void textRow(String path, String v) throws IOException {
        Hdf5FileWriter.ChunkedDataset ds = master.chunked(path);
        byte[] out = new byte[ds.rowBytes()];
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        // null-terminated where it fits; a value filling an earlier release's column exactly stays whole
        int n = b.length == out.length ? b.length : Math.min(out.length - 1, b.length);
        System.arraycopy(b, 0, out, 0, n);
        master.appendRows(ds, out, 0, 1);
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
        closeDataFile();
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
        if (data != null) {
            data.release();
        }
        master.release();
    }

    /** Closes and deletes the in-progress files (used when a series is abandoned). */
    public void abort() {
        inFlight.clear();
        if (data != null) {
            data.abort();
        }
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

        List<VirtualSource> files = new ArrayList<>();
        for (int i = 0; i < s.closedFileFrames.size(); i++) {
            files.add(new VirtualSource(paths.dataFileName(i + 1), "/entry/data/data",
                    s.closedFileFrames.get(i)));
        }
        new NxmxMasterLayout(m, meta, settings.detector(),
                new NxmxMasterLayout.Series(s.width, s.height, s.pixelType, s.framesStored, files)).write();

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
        if (!s.roiNames.isEmpty()) {
            m.attribute(red + "/roi_sums", "roi_names", String.join(",", s.roiNames));
        }
        if (s.radialBins > 0) {
            double[] axis = new double[s.radialBins];
            String units = "bin";
            JsonNode ax = meta.get("radial_axis");
            if (ax != null && ax.isArray() && ax.size() == s.radialBins) {
                for (int i = 0; i < axis.length; i++) {
                    axis[i] = ax.get(i).asDouble();
                }
                units = text(meta, "radial_axis_units", "");
            } else {
                for (int i = 0; i < axis.length; i++) {
                    axis[i] = i;
                }
            }
            ByteBuffer ab = ByteBuffer.allocate(8 * axis.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : axis) {
                ab.putDouble(v);
            }
            m.dataset(red + "/radial_axis", H5Type.FLOAT64, new long[] {axis.length}, ab.array());
            m.attribute(red + "/radial_axis", "units", units);
            m.attribute(red + "/radial_profile", "axes", "frame_number,radial_axis");
        }
        m.attribute(red + "/acquisition_time_ns", "units", "ns");
        m.attribute(red + "/receive_time_ns", "units", "ns");
        m.attribute(red + "/peak_start", "description", "index of the frame's first peak in peaks/*");
    }

    private static String text(JsonNode meta, String key, String fallback) {
        JsonNode v = meta.get(key);
        return v != null && v.isValueNode() ? v.asText() : fallback == null ? "" : fallback;
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
