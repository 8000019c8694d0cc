package io.beamflow.sink.hdf5;

import io.beamflow.core.result.FrameResult;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink writer of {@link Hdf5Sink}: routes results to one {@link NexusSeriesWriter} per open series,
 * hands finished files to the committer at each checkpoint and snapshots the open series.
 */
public final class Hdf5SinkWriter implements StatefulSinkWriter<FrameResult, Hdf5WriterState>,
        CommittingSinkWriter<FrameResult, Hdf5Committable> {
    private static final Logger LOG = LoggerFactory.getLogger(Hdf5SinkWriter.class);
    private static final int REMEMBERED_ENDED_SERIES = 1024;

    private final Hdf5SinkSettings settings;
    /** Open series, the longest idle first (access order). */
    private final Map<String, NexusSeriesWriter> open = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<String> ended = new LinkedHashSet<>();
    /** Series this writer finished (their master is written, committed or about to be): never started again. */
    private final Set<String> finished = new LinkedHashSet<>();
    /** Frames dropped per ended or refused series since the last SERIES_END: logged once, then summed. */
    private final Map<String, Long> droppedAfterEnd = new HashMap<>();
    private final List<Hdf5Committable> pending = new ArrayList<>();
    private final Counter framesStored;
    private final Counter framesWithoutPixels;
    private final Counter framesDropped;
    private final Counter seriesFinished;
    private final Counter seriesQuarantined;
    private final Counter seriesFailed;
    private final Counter seriesEvicted;
    private final Counter framesQuarantined;
    private final FrameCompressor compressor;
    private final BeamtimePlacement placement;
    private final Counter seriesRefused;

    Hdf5SinkWriter(Hdf5SinkSettings settings, MetricGroup metrics, Collection<Hdf5WriterState> restored)
            throws IOException {
        this.settings = settings;
        this.compressor = new FrameCompressor(settings.compression(), settings.compressionThreads());
        this.framesStored = metrics.counter("hdf5FramesStored");
        this.framesWithoutPixels = metrics.counter("hdf5FramesReducedOnly");
        this.framesDropped = metrics.counter("hdf5FramesDropped");
        this.seriesFinished = metrics.counter("hdf5SeriesFinished");
        this.seriesQuarantined = metrics.counter("hdf5SeriesQuarantined");
        this.seriesFailed = metrics.counter("hdf5SeriesFailed");
        this.seriesEvicted = metrics.counter("hdf5SeriesEvicted");
        this.framesQuarantined = metrics.counter("hdf5FramesQuarantined");
        this.seriesRefused = metrics.counter("hdf5SeriesRefused");
        this.placement = new BeamtimePlacement(settings);
        for (Hdf5WriterState s : restored) {
            try {
                open.put(s.seriesId(), NexusSeriesWriter.resume(settings, s.snapshot(), compressor));
            } catch (IOException e) {
                throw new IOException("HDF5 sink cannot resume series '" + s.seriesId() + "': " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void write(FrameResult r, Context context) {
        if (r == null || r.seriesId == null || r.kind == null) {
            framesDropped.inc();
            LOG.error("HDF5 sink dropped a result without series id or kind: {}", r);
            return;
        }
        try {
            switch (r.kind) {
                case SERIES_START:
                    boolean wasOpen = open.containsKey(r.seriesId);
                    NexusSeriesWriter w = start(r.seriesId, r.metadataJson, r.receiveTimeNs);
                    if (w != null && !wasOpen && r.seriesArrays != null) {
                        seriesArrays(r.seriesId, w, r.seriesArrays);
                    }
                    if (w != null && r.quarantineReason != null) {
                        quarantine(r.seriesId, w, r.quarantineReason);
                    }
                    break;
                case FRAME:
                    frame(r);
                    break;
                case QUARANTINED:
                    quarantinedFrame(r);
                    break;
                case SERIES_END:
                    end(r.seriesId, r.frameNumber);
                    break;
                default:
                    throw new IllegalStateException("unexpected result kind " + r.kind);
            }
        } catch (IOException | RuntimeException e) {
            // No series may fail the job (it would restart for ever, and later series would never be written):
            // this one is quarantined, counted, and its master says why.
            String reason = e instanceof IOException io ? "cannot write under " + settings.outputRoot() + ": "
                    + describe(io) : "writing failed: " + e;
            LOG.error("HDF5 sink: series '{}' quarantined: {}", r.seriesId, reason, e);
            writeFailed(r, reason);
        }
    }

    /** Quarantines the series of a result whose writing failed; ends it when the failing result was its end. */
    private void writeFailed(FrameResult r, String reason) {
        NexusSeriesWriter w = open.get(r.seriesId);
        if (w == null) {
            seriesFailed.inc();
            if (r.kind == FrameResult.Kind.FRAME || r.kind == FrameResult.Kind.QUARANTINED) {
                framesQuarantined.inc();
            }
            markEnded(r.seriesId); // its later frames are dropped and counted
            return;
        }
        quarantine(r.seriesId, w, reason);
        w.discardOpenDataFile();
        if (r.kind == FrameResult.Kind.FRAME || r.kind == FrameResult.Kind.QUARANTINED) {
            framesQuarantined.inc();
        }
        if (r.kind == FrameResult.Kind.SERIES_END) {
            // finishing failed: the master cannot be completed either
            open.remove(r.seriesId);
            w.abort();
            seriesFailed.inc();
            markEnded(r.seriesId);
            LOG.error("series {}: its master file cannot be written ({}); the series has no master file and "
                    + "its frames stay in the journal", r.seriesId, reason);
        }
    }

    private void quarantine(String seriesId, NexusSeriesWriter w, String reason) {
        if (w.quarantineReason() == null) {
            seriesQuarantined.inc();
            LOG.error("series {} quarantined: {}; later frames are counted as rejected, the master is marked "
                    + "failed", seriesId, reason);
        }
        w.quarantine(reason);
    }

    private void quarantinedFrame(FrameResult r) throws IOException {
        NexusSeriesWriter w = seriesOf(r);
        if (w != null) {
            quarantine(r.seriesId, w, r.quarantineReason);
            w.quarantinedFrame();
            framesQuarantined.inc();
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("No space left")) {
            return "disk full (" + m + ")";
        }
        if (e instanceof java.nio.file.AccessDeniedException || m.contains("Permission denied")) {
            return "permission denied (" + m + ")";
        }
        return e.getClass().getSimpleName() + ": " + m;
    }

    /**
     * @return the open series of a frame, started without metadata when its SERIES_START was not seen; {@code null}
     *         (the frame dropped and counted) when the series ended or its master is already committed
     */
    private NexusSeriesWriter seriesOf(FrameResult r) throws IOException {
        NexusSeriesWriter w = open.get(r.seriesId);
        if (w != null) {
            return w;
        }
        if (!ended.contains(r.seriesId)) {
            LOG.warn("series {}: frame {} without SERIES_START; starting the series without metadata",
                    r.seriesId, r.frameNumber);
            w = start(r.seriesId, "{}", r.receiveTimeNs);
        }
        if (w == null) {
            dropAfterEnd(r);
        }
        return w;
    }

    /** @param startNs when the series started (ingest receive time, ns since the epoch); 0: now */
    private NexusSeriesWriter start(String seriesId, String metadataJson, long startNs) throws IOException {
        NexusSeriesWriter w = open.get(seriesId);
        if (w != null) {
            LOG.warn("series {}: SERIES_START while the series is open; metadata ignored", seriesId);
            return w;
        }
        if (finished.contains(seriesId)) {
            // e.g. a detector re-sending its series after an ingest node restart: starting it again would write
            // over the files of the finished series before their commit
            LOG.warn("series {}: SERIES_START after the series finished; ignored, the series is not started again",
                    seriesId);
            return null;
        }
        java.time.Instant at = startNs > 0 ? java.time.Instant.EPOCH.plusNanos(startNs) : java.time.Instant.now();
        BeamtimePlacement.Placement placed = placement.place(seriesId, at);
        if (placed.refusal() != null) {
            // no master is written anywhere; its frames are dropped and counted (hdf5FramesDropped)
            seriesRefused.inc();
            LOG.error("series {} refused: {}; its frames are counted in hdf5FramesDropped", seriesId,
                    placed.refusal());
            markEnded(seriesId);
            return null;
        }
        if (Files.exists(placed.paths().master())) {
            LOG.error("series {}: a committed master file already exists ({}); the series is not overwritten",
                    seriesId, placed.paths().master());
            markEnded(seriesId);
            return null;
        }
        ended.remove(seriesId);
        while (open.size() >= settings.maxOpenSeries()) {
            evictLongestIdle();
        }
        w = NexusSeriesWriter.start(settings, placement.managed() ? placed.paths() : null, seriesId, metadataJson,
                compressor);
        open.put(seriesId, w);
        return w;
    }

    /** Writes the sender's series arrays into the new series' master; a malformed set is logged and left out. */
    private void seriesArrays(String seriesId, NexusSeriesWriter w, byte[] encoded) throws IOException {
        try {
            List<String> names = StreamMetadataLayout.write(w.master(), encoded, encoded.length);
            LOG.info("series {}: arrays from the sender in the master: {}", seriesId, names);
        } catch (IllegalArgumentException e) {
            LOG.error("series {}: series arrays left out of the master: {}", seriesId, e.getMessage());
        }
    }

    /** Closes the series that has waited longest for a result as incomplete, to make room for a new one. */
    private void evictLongestIdle() {
        String id = open.keySet().iterator().next();
        NexusSeriesWriter w = open.get(id);
        seriesEvicted.inc();
        String reason = "closed without SERIES_END: " + settings.maxOpenSeries()
                + " series were open (sink.maxOpenSeries) and another started";
        LOG.error("series {}: {}; its later frames are dropped and counted (hdf5FramesDropped)", id, reason);
        try {
            w.finishIncomplete(reason);
            markFinished(id);
            pending.addAll(w.drainCompleted());
            open.remove(id);
            markEnded(id);
        } catch (IOException | RuntimeException e) {
            writeFailed(FrameResult.seriesEnd(id, -1), "closing an idle series failed: " + e);
        }
    }

    private void frame(FrameResult r) throws IOException {
        NexusSeriesWriter w = seriesOf(r);
        if (w == null) {
            return;
        }
        long rejectedBefore = w.framesRejected();
        long storedBefore = w.framesStored();
        long quarantinedBefore = w.framesQuarantined();
        w.frame(r);
        if (w.framesQuarantined() > quarantinedBefore) {
            framesQuarantined.inc();
        } else if (w.framesStored() > storedBefore) {
            framesStored.inc();
        } else if (w.framesRejected() > rejectedBefore) {
            framesDropped.inc();
            LOG.error("series {}: pixels of frame {} rejected (shape or size differs); reduced data kept",
                    r.seriesId, r.frameNumber);
        } else {
            framesWithoutPixels.inc();
        }
        pending.addAll(w.drainCompleted());
    }

    private void dropAfterEnd(FrameResult r) {
        framesDropped.inc();
        long before = droppedAfterEnd.getOrDefault(r.seriesId, 0L);
        if (before == 0) {
            LOG.error("series {}: frame {} arrived after the series ended or was refused; dropped (further frames "
                    + "of this series are counted in hdf5FramesDropped and summed at its SERIES_END)",
                    r.seriesId, r.frameNumber);
        }
        if (droppedAfterEnd.size() < REMEMBERED_ENDED_SERIES || before > 0) {
            droppedAfterEnd.put(r.seriesId, before + 1);
        }
    }

    private void end(String seriesId, long announced) throws IOException {
        NexusSeriesWriter w = open.get(seriesId);
        if (w == null) {
            Long dropped = droppedAfterEnd.remove(seriesId);
            if (dropped != null) {
                LOG.error("series {}: SERIES_END; {} frames of this ended or refused series were dropped", seriesId,
                        dropped);
            } else {
                LOG.warn("series {}: SERIES_END for a series that is not open; ignored", seriesId);
            }
            return;
        }
        w.finish(announced);
        markFinished(seriesId);
        open.remove(seriesId);
        pending.addAll(w.drainCompleted());
        seriesFinished.inc();
        markEnded(seriesId);
        LOG.info("series {} finished: {} (announced {})", seriesId, w.counts(), announced);
    }

    private void markFinished(String seriesId) {
        finished.add(seriesId);
        if (finished.size() > REMEMBERED_ENDED_SERIES) {
            finished.remove(finished.iterator().next());
        }
    }

    private void markEnded(String seriesId) {
        ended.add(seriesId);
        if (ended.size() > REMEMBERED_ENDED_SERIES) {
            ended.remove(ended.iterator().next());
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (endOfInput) {
            for (String id : new ArrayList<>(open.keySet())) {
                LOG.warn("series {}: input ended without SERIES_END; closing the series", id);
                write(FrameResult.seriesEnd(id, -1), null);
            }
        }
    }

    @Override
    public Collection<Hdf5Committable> prepareCommit() throws IOException {
        for (Map.Entry<String, NexusSeriesWriter> e : open.entrySet()) {
            NexusSeriesWriter w = e.getValue();
            try {
                w.flush();
            } catch (IOException | RuntimeException ex) {
                String reason = "cannot flush under " + settings.outputRoot() + ": "
                        + (ex instanceof IOException io ? describe(io) : ex.toString());
                LOG.error("HDF5 sink: series '{}' quarantined: {}", e.getKey(), reason, ex);
                quarantine(e.getKey(), w, reason);
                w.discardOpenDataFile();
            }
            pending.addAll(w.drainCompleted());
        }
        List<Hdf5Committable> out = new ArrayList<>(pending);
        LOG.debug("files to commit: {}", out);
        pending.clear();
        return out;
    }

    @Override
    public List<Hdf5WriterState> snapshotState(long checkpointId) throws IOException {
        List<Hdf5WriterState> states = new ArrayList<>(open.size());
        for (java.util.Iterator<Map.Entry<String, NexusSeriesWriter>> it = open.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, NexusSeriesWriter> e = it.next();
            try {
                states.add(new Hdf5WriterState(e.getKey(), e.getValue().snapshot()));
            } catch (IOException | RuntimeException ex) {
                // Without its state the series cannot continue after a restore: it ends here, without a master
                // file (its frames stay in the journal), and the checkpoint goes on for the other series.
                LOG.error("HDF5 sink: series '{}' cannot be checkpointed ({}); abandoned without a master file, "
                        + "its frames stay in the journal", e.getKey(),
                        ex instanceof IOException io ? describe(io) : ex.toString(), ex);
                e.getValue().abort();
                it.remove();
                markEnded(e.getKey());
                seriesFailed.inc();
            }
        }
        return states;
    }

    @Override
    public void close() {
        for (NexusSeriesWriter w : open.values()) {
            w.release();
        }
        open.clear();
        compressor.close();
    }
}
