package io.beamflow.reduce.flink;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.wire.MessageType;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.kernel.FrameReducer;
import io.beamflow.reduce.kernel.FrameReducerFactory;
import io.beamflow.reduce.kernel.SeriesMetadata;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin Flink wrapper around {@link FrameReducer}: turns (assembled) frames into {@link FrameResult}s
 * with features, passes series markers through, and rebuilds the reducer (re-reading calibration
 * files) at every SERIES_START so that calibration can change between series.
 */
public final class ReduceFrameFunction extends RichFlatMapFunction<JournalRecord, FrameResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReduceFrameFunction.class);

    private final ReductionConfig config;
    private transient FrameReducer reducer;
    private transient boolean calibrated;
    private transient Counter framesReduced;
    private transient Counter framesWithoutCorrections;
    private transient Counter modulePartsWithoutGeometry;

    /** @param config reduction settings */
    public ReduceFrameFunction(ReductionConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        framesReduced = getRuntimeContext().getMetricGroup().counter("framesReduced");
        modulePartsWithoutGeometry = getRuntimeContext().getMetricGroup().counter("modulePartsWithoutGeometry");
        framesWithoutCorrections = getRuntimeContext().getMetricGroup().counter("framesReducedWithoutCalibration");
    }

    @Override
    public void flatMap(JournalRecord r, Collector<FrameResult> out) {
        FrameResult result = map(r);
        if (result != null) {
            out.collect(result);
        }
    }

    private FrameResult map(JournalRecord r) {
        switch (r.type) {
            case SERIES_START -> {
                reducer = null; // reload calibration for the new series
                return FrameResult.seriesStart(r.seriesId, seriesMetadata(r));
            }
            case SERIES_END -> {
                return FrameResult.seriesEnd(r.seriesId, r.frameNumber);
            }
            default -> {
                return reduce(r);
            }
        }
    }

    private void ensureReducer(String seriesId, int width, int height, PixelType type) {
        if (reducer != null && reducer.width() == width && reducer.height() == height) {
            return;
        }
        LOG.info("building reducer for {}x{} {} frames", width, height, type);
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
    }

    /** Builds the series' reducer early when the metadata gives the image shape, to record the radial axis. */
    private String seriesMetadata(JournalRecord r) {
        int[] shape = SeriesMetadata.imageShape(r.metadataJson, config);
        if (shape == null || config.integration.poniFile.isEmpty()) {
            return r.metadataJson;
        }
        ensureReducer(r.seriesId, shape[0], shape[1], PixelType.UINT16);
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
        ensureReducer(r.seriesId, r.width, r.height, r.pixelType);
        if (!calibrated) {
            framesWithoutCorrections.inc();
        }
        FrameResult out = new FrameResult();
        out.kind = FrameResult.Kind.FRAME;
        out.seriesId = r.seriesId;
        out.frameNumber = r.frameNumber;
        out.width = r.width;
        out.height = r.height;
        out.pixelType = r.pixelType;
        out.acquisitionTimeNs = r.acquisitionTimeNs;
        out.receiveTimeNs = r.receiveTimeNs;
        out.pixels = r.payload;
        out.incomplete = r.incomplete;
        out.features = reducer.reduce(r.payload, r.pixelType, r.invalidMask);
        framesReduced.inc();
        return out;
    }

    static boolean isFrame(JournalRecord r) {
        return r.type == MessageType.FRAME;
    }
}
