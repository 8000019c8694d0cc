package io.beamflow.reduce.flink;

import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.JournalSettings;
import io.beamflow.reduce.flink.source.reader.JournalPixelReader;
import io.beamflow.reduce.kernel.CompressedFrameDecoder;
import io.beamflow.reduce.kernel.FrameReducer;
import io.beamflow.reduce.kernel.FrameReducerFactory;
import io.beamflow.reduce.kernel.ImageShape;
import io.beamflow.reduce.kernel.SeriesMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin Flink wrapper around {@link FrameReducer}: turns (assembled) frames into {@link FrameResult}s
 * with features and passes series markers through. A reducer is built (calibration files read) for each
 * series at its first record, so that calibration can change between series; the few most recent series
 * keep theirs, as one subtask of the frame-parallel reduction sees frames of interleaved series. Every
 * result carries its record's place in its ordered sequence; when the results are put back in order
 * downstream, a record that is dropped here leaves a {@link FrameResult.Kind#DROPPED} result in its place. A frame
 * journaled compressed (bitshuffle+LZ4 as the detector sent it) is decompressed for its features; when the sink
 * writes the same chunk format, the received bytes go on as the frame's chunk (pass-through).
 */
public final class ReduceFrameFunction extends RichFlatMapFunction<JournalRecord, FrameResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReduceFrameFunction.class);

    private static final int CACHED_SERIES = 4;
    private static final int REMEMBERED_QUARANTINED_SERIES = 1024;
    private static final int MAX_REASON_CHARS = 300;

    private final ReductionConfig config;
    private final boolean holdPlaces;
    private final JournalSettings journalSettings;
    private final int maxHeaderBytes;
    private final long maxFrameBytes;
    private final long maxPixels;
    private final PayloadCodec passThrough;
    private transient CompressedFrameDecoder decompressor;
    private transient Counter framesPassedThrough;
    private transient JournalPixelReader pixelReader;
    /** Series this subtask quarantined, with the reason; later frames of them are not reduced. */
    private transient Map<String, String> quarantined;
    private transient Counter framesQuarantined;
    private transient Counter seriesQuarantined;
    private transient Counter framesMissingInJournal;
    private transient Map<String, SeriesReducer> reducers;
    private transient SeriesReducer current;
    private transient Counter framesReduced;
    private transient Counter framesWithoutCorrections;
    private transient Counter modulePartsWithoutGeometry;

    /** The reducer of one series and whether its calibration could be applied. */
    private record SeriesReducer(String seriesId, FrameReducer reducer, boolean calibrated) {
    }

    /** @param config reduction settings */
    public ReduceFrameFunction(ReductionConfig config) {
        this(config, false);
    }

    /**
     * @param config     reduction settings
     * @param holdPlaces whether a dropped record leaves a {@link FrameResult.Kind#DROPPED} result (when the
     *                   results are put back in order downstream)
     */
    public ReduceFrameFunction(ReductionConfig config, boolean holdPlaces) {
        this(config, holdPlaces, null, null);
    }

    /**
     * @param config          reduction settings
     * @param holdPlaces      whether a dropped record leaves a {@link FrameResult.Kind#DROPPED} result
     * @param journalSettings journal layout, to read the pixels of frames that arrive as references
     *                        ({@link JournalRecord#journalDirectory}); {@code null}: every frame carries its pixels
     * @param limits          largest accepted header and frame (with {@code journalSettings})
     */
    public ReduceFrameFunction(ReductionConfig config, boolean holdPlaces, JournalSettings journalSettings,
            WireLimits limits) {
        this(config, holdPlaces, journalSettings, limits, null);
    }

    /**
     * @param config          reduction settings
     * @param holdPlaces      whether a dropped record leaves a {@link FrameResult.Kind#DROPPED} result
     * @param journalSettings journal layout, to read the pixels of frames that arrive as references; {@code null}:
     *                        every frame carries its pixels
     * @param limits          largest accepted header and frame (with {@code journalSettings})
     * @param passThrough     the codec of the sink's chunks (see {@link PayloadCodec#ofSinkCompression}): a frame
     *                        journaled with it is decompressed only for its features, and its received bytes go on
     *                        as its {@link FrameResult#chunk}, without the pixels; {@code null}: compressed frames
     *                        are decompressed and go on as pixels
     */
    public ReduceFrameFunction(ReductionConfig config, boolean holdPlaces, JournalSettings journalSettings,
            WireLimits limits, PayloadCodec passThrough) {
        this.passThrough = passThrough == PayloadCodec.RAW ? null : passThrough;
        this.config = config;
        this.holdPlaces = holdPlaces;
        this.journalSettings = journalSettings;
        this.maxHeaderBytes = limits == null ? 0 : limits.maxHeaderBytes();
        this.maxFrameBytes = limits == null ? 0 : limits.maxFrameBytes();
        // a frame has at least one byte per pixel, so no accepted frame has more pixels than bytes
        this.maxPixels = (limits == null ? WireLimits.DEFAULT : limits).maxFrameBytes();
    }

    @Override
    public void open(OpenContext openContext) {
        framesReduced = getRuntimeContext().getMetricGroup().counter("framesReduced");
        framesPassedThrough = getRuntimeContext().getMetricGroup().counter("framesPassedThrough");
        decompressor = new CompressedFrameDecoder();
        modulePartsWithoutGeometry = getRuntimeContext().getMetricGroup().counter("modulePartsWithoutGeometry");
        framesWithoutCorrections = getRuntimeContext().getMetricGroup().counter("framesReducedWithoutCalibration");
        framesMissingInJournal = getRuntimeContext().getMetricGroup().counter("framesMissingInJournal");
        framesQuarantined = getRuntimeContext().getMetricGroup().counter("framesQuarantined");
        seriesQuarantined = getRuntimeContext().getMetricGroup().counter("seriesQuarantined");
        quarantined = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > REMEMBERED_QUARANTINED_SERIES;
            }
        };
        if (journalSettings != null) {
            pixelReader = new JournalPixelReader(journalSettings, new WireLimits(maxHeaderBytes, maxFrameBytes));
        }
        reducers = new LinkedHashMap<>(8, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SeriesReducer> eldest) {
                return size() > CACHED_SERIES;
            }
        };
    }

    @Override
    public void close() {
        if (pixelReader != null) {
            pixelReader.close();
        }
    }

    @Override
    public void flatMap(JournalRecord r, Collector<FrameResult> out) {
        FrameResult result;
        try {
            result = map(r);
        } catch (RuntimeException | StackOverflowError e) {
            // No frame or series may fail the job: the series is quarantined (here and, from this result on, in
            // the sink, which counts its frames as rejected and marks its master failed); other series go on.
            result = quarantine(r, e);
        }
        if (result == null && holdPlaces) {
            result = new FrameResult();
            result.kind = FrameResult.Kind.DROPPED;
            result.seriesId = r.seriesId;
            result.frameNumber = r.frameNumber;
        }
        if (result != null) {
            result.orderKey = r.orderKey;
            result.sequence = r.sequence;
            out.collect(result);
        }
    }

    private FrameResult map(JournalRecord r) {
        switch (r.type) {
            case SERIES_START -> {
                if (current != null && current.seriesId().equals(r.seriesId)) {
                    current = null; // a series started again: read its calibration again
                }
                reducers.remove(r.seriesId);
                quarantined.remove(r.seriesId);
                FrameResult start = FrameResult.seriesStart(r.seriesId, seriesMetadata(r));
                start.receiveTimeNs = r.receiveTimeNs; // when it started: the sink places it in that beamtime
                start.seriesArrays = r.seriesArrays;
                return start;
            }
            case SERIES_END -> {
                quarantined.remove(r.seriesId);
                return FrameResult.seriesEnd(r.seriesId, r.frameNumber);
            }
            default -> {
                String reason = quarantined.get(r.seriesId);
                if (reason != null) {
                    framesQuarantined.inc();
                    return FrameResult.quarantined(r.seriesId, r.frameNumber, reason);
                }
                return reduce(r);
            }
        }
    }

    private FrameResult quarantine(JournalRecord r, Throwable e) {
        String what = r.type == MessageType.SERIES_START ? "series start" : "frame " + r.frameNumber;
        String reason = "reduction of " + what + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "...";
        }
        if (quarantined.put(r.seriesId, reason) == null) {
            seriesQuarantined.inc();
            LOG.error("series {} quarantined: {}; its frames are counted as rejected (framesQuarantined), other "
                    + "series go on", r.seriesId, reason, e);
        }
        if (current != null && current.seriesId().equals(r.seriesId)) {
            current = null;
        }
        reducers.remove(r.seriesId);
        if (r.type == MessageType.SERIES_START) {
            FrameResult start = FrameResult.seriesStart(r.seriesId, r.metadataJson);
            start.receiveTimeNs = r.receiveTimeNs;
            start.seriesArrays = r.seriesArrays;
            start.quarantineReason = reason;
            return start;
        }
        if (r.type == MessageType.SERIES_END) {
            return FrameResult.seriesEnd(r.seriesId, r.frameNumber);
        }
        framesQuarantined.inc();
        return FrameResult.quarantined(r.seriesId, r.frameNumber, reason);
    }

    private FrameReducer ensureReducer(String seriesId, int width, int height, PixelType type) {
        if (current == null || !current.seriesId().equals(seriesId)) {
            current = reducers.get(seriesId);
        }
        if (current != null && current.reducer().width() == width && current.reducer().height() == height) {
            return current.reducer();
        }
        ImageShape.pixels(width, height, maxPixels); // before anything is allocated for a sender's shape
        LOG.info("series {}: building reducer for {}x{} {} frames", seriesId, width, height, type);
        FrameReducer reducer;
        boolean calibrated;
        try {
            reducer = FrameReducerFactory.create(config, width, height, type);
            calibrated = true;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // A calibration or geometry file that is missing or does not fit these frames must not stop
            // the acquisition: reduce with statistics only, keep the pixels, say so loudly and count.
            LOG.error("series {}: cannot set up the configured reduction for {}x{} frames ({}); frames are "
                    + "kept with uncorrected statistics only", seriesId, width, height, e.getMessage());
            reducer = FrameReducerFactory.create(FrameReducerFactory.statisticsOnly(config), width, height, type);
            calibrated = false;
        }
        current = new SeriesReducer(seriesId, reducer, calibrated);
        reducers.put(seriesId, current);
        return reducer;
    }

    /** Builds the series' reducer early when the metadata gives the image shape, to record the radial axis. */
    private String seriesMetadata(JournalRecord r) {
        int[] shape = SeriesMetadata.imageShape(r.metadataJson, config);
        if (shape == null || config.integration.poniFile.isEmpty()) {
            return r.metadataJson;
        }
        FrameReducer reducer = ensureReducer(r.seriesId, shape[0], shape[1], PixelType.UINT16);
        return reducer.integrator() == null ? r.metadataJson
                : SeriesMetadata.withRadialAxis(r.metadataJson, reducer.integrator());
    }

    private FrameResult reduce(JournalRecord r) {
        if (r.moduleCount > 1) {
            // Parts of a multi-module detector reach here only when no module geometry is configured.
            modulePartsWithoutGeometry.inc();
            if (modulePartsWithoutGeometry.getCount() == 1) {
                LOG.error("series {}: frames arrive as {} module parts but reduction.assembly.modules is not "
                        + "configured; module parts are dropped and counted (modulePartsWithoutGeometry)",
                        r.seriesId, r.moduleCount);
            }
            return null;
        }
        if (r.payload == null && r.journalDirectory != null) {
            r.payload = pixelReader == null ? null : pixelReader.read(r.journalDirectory, r.journalIndex);
            if (r.payload == null) {
                framesMissingInJournal.inc();
                LOG.error("series {}: frame {} ({}@{}) cannot be read from its journal ({}); dropped and counted "
                        + "(framesMissingInJournal)", r.seriesId, r.frameNumber, r.streamId, r.journalIndex,
                        pixelReader == null ? "no journal reader" : pixelReader.lastError());
                return null;
            }
        }
        // A compressed frame whose received bytes the sink can write as they are is decompressed into a reused
        // buffer for its features only (no stage before the file changes its pixels: they are the raw pixels, and
        // an assembled frame arrives uncompressed); otherwise its pixels travel on. A body that does not
        // decompress quarantines the series (CodecException), it never fails the job.
        FrameReducer reducer = ensureReducer(r.seriesId, r.width, r.height, r.pixelType); // checks the shape first
        if (!current.calibrated()) {
            framesWithoutCorrections.inc();
        }
        boolean keepReceived = passThrough != null && r.payloadCodec == passThrough && r.moduleCount == 1;
        byte[] pixels = decompressor.decode(r.payload, r.payloadCodec, r.width, r.height, r.pixelType,
                keepReceived);
        FrameResult out = new FrameResult();
        out.kind = FrameResult.Kind.FRAME;
        out.seriesId = r.seriesId;
        out.frameNumber = r.frameNumber;
        out.width = r.width;
        out.height = r.height;
        out.pixelType = r.pixelType;
        out.acquisitionTimeNs = r.acquisitionTimeNs;
        out.receiveTimeNs = r.receiveTimeNs;
        out.incomplete = r.incomplete;
        out.features = reducer.reduce(pixels, r.pixelType, r.invalidMask);
        if (keepReceived) {
            out.chunk = r.payload;
            out.chunkCodec = passThrough.configName();
            framesPassedThrough.inc();
        } else {
            out.pixels = pixels;
        }
        framesReduced.inc();
        return out;
    }

    static boolean isFrame(JournalRecord r) {
        return r.type == MessageType.FRAME;
    }
}
