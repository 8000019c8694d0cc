package io.beamflow.reduce.flink;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.wire.MessageType;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.kernel.CompressedFrameDecoder;
import io.beamflow.reduce.kernel.ModuleGeometry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles module parts (keyed by series) into full frames with {@link ModuleGeometry}. A frame is
 * emitted when all modules arrived, or flagged incomplete (missing modules and gaps masked) when a
 * module is still missing {@code moduleTimeoutMs} after its first part, or when the series ends. The
 * SERIES_END marker follows all frames of the series: it is forwarded once every stream that carried
 * the series, and at least one stream per module, delivered its SERIES_END (or {@code moduleTimeoutMs}
 * after the first one). Parts that arrive after their frame was emitted are counted as late and dropped.
 * Each record emitted is numbered in its series' order ({@link JournalRecord#orderKey} is the series), so that
 * the frame-parallel reduction after it can put the series back in order.
 */
public final class AssembleModulesFunction extends KeyedProcessFunction<String, JournalRecord, JournalRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AssembleModulesFunction.class);

    private final ReductionConfig.AssemblyConfig config;
    private transient ModuleGeometry geometry;
    private transient Map<Long, int[]> destinationCache;
    private transient CompressedFrameDecoder decompressor;
    private transient MapState<Long, PartialFrame> pending;
    private transient MapState<Long, Boolean> emitted;
    private transient ValueState<SeriesProgress> progress;
    private transient ValueState<Long> emittedRecords;
    private transient Counter framesComplete;
    private transient Counter framesIncomplete;
    private transient Counter modulePartsMissing;
    private transient Counter modulePartsLate;
    private transient Counter modulePartsRejected;

    /** @param config module geometry and timeout */
    public AssembleModulesFunction(ReductionConfig.AssemblyConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        geometry = ModuleGeometry.of(config);
        destinationCache = new HashMap<>();
        decompressor = new CompressedFrameDecoder();
        // explicit, versioned serializers: savepoints do not depend on the classes' reflective layout
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-frames", LongSerializer.INSTANCE,
                new PartialFrameSerializer()));
        emitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("emitted-frames", Types.LONG, Types.BOOLEAN));
        progress = getRuntimeContext().getState(new ValueStateDescriptor<>("series-progress",
                new SeriesProgressSerializer()));
        emittedRecords = getRuntimeContext().getState(new ValueStateDescriptor<>("emitted-records", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        framesComplete = metrics.counter("framesAssembled");
        framesIncomplete = metrics.counter("framesIncomplete");
        modulePartsMissing = metrics.counter("modulePartsMissing");
        modulePartsLate = metrics.counter("modulePartsLate");
        modulePartsRejected = metrics.counter("modulePartsRejected");
    }

    @Override
    public void processElement(JournalRecord r, Context ctx, Collector<JournalRecord> collector) throws Exception {
        Collector<JournalRecord> out = new Sequencing(collector);
        SeriesProgress p = progress.value();
        if (p == null) {
            p = new SeriesProgress();
        }
        if (!p.streams.contains(r.streamId)) {
            p.streams.add(r.streamId);
        }
        long now = ctx.timerService().currentProcessingTime();
        if (r.type == MessageType.SERIES_START) {
            if (!p.started) {
                p.started = true;
                out.collect(r);
            }
        } else if (r.type == MessageType.SERIES_END) {
            if (!p.endedStreams.contains(r.streamId)) {
                p.endedStreams.add(r.streamId);
            }
            p.announcedFrames = Math.max(p.announcedFrames, r.frameNumber);
            if (p.endDeadlineMs == 0) {
                p.endDeadlineMs = now + config.moduleTimeoutMs;
                ctx.timerService().registerProcessingTimeTimer(p.endDeadlineMs);
            }
            // One stream per module: until as many streams as modules ended, a stream not seen yet may
            // still deliver (its reader can start later than the others); the end deadline closes the
            // series if one never does.
            if (!p.finished && p.endedStreams.containsAll(p.streams) && p.endedStreams.size() >= geometry.modules()) {
                finish(r.seriesId, p, out);
            }
        } else {
            addPart(r, p, now, ctx, out);
        }
        progress.update(p);
    }

    private void addPart(JournalRecord r, SeriesProgress p, long now, Context ctx, Collector<JournalRecord> out)
            throws Exception {
        if (p.finished || emitted.contains(r.frameNumber)) {
            modulePartsLate.inc();
            LOG.warn("late module part {} of {}#{} dropped (frame already emitted)", r.moduleIndex, r.seriesId,
                    r.frameNumber);
            return;
        }
        int[] dest;
        try {
            dest = destination(r.moduleIndex, r.width, r.height);
        } catch (IllegalArgumentException e) {
            modulePartsRejected.inc();
            LOG.warn("module part of {}#{} rejected: {}", r.seriesId, r.frameNumber, e.getMessage());
            return;
        }
        byte[] pixels;
        try {
            // a compressed part is decompressed here: assembly changes the layout, so its chunk cannot be kept
            pixels = decompressor.decode(r.payload, r.payloadCodec, r.width, r.height, r.pixelType, true);
        } catch (IllegalArgumentException e) {
            modulePartsRejected.inc();
            LOG.warn("module part {} of {}#{} rejected: its {} body does not decompress: {}", r.moduleIndex,
                    r.seriesId, r.frameNumber, r.payloadCodec, e.getMessage());
            return;
        }
        PartialFrame f = pending.get(r.frameNumber);
        if (f == null) {
            f = new PartialFrame();
            f.pixels = new byte[geometry.width() * geometry.height() * r.pixelType.bytes()];
            f.firstArrivalMs = now;
            f.acquisitionTimeNs = r.acquisitionTimeNs;
            f.receiveTimeNs = r.receiveTimeNs;
            f.pixelType = r.pixelType;
            f.partWidth = new int[geometry.modules()];
            f.partHeight = new int[geometry.modules()];
            ctx.timerService().registerProcessingTimeTimer(now + config.moduleTimeoutMs);
        } else if (f.pixelType != r.pixelType) {
            modulePartsRejected.inc();
            LOG.warn("module part {} of {}#{} has pixel type {}, frame has {}", r.moduleIndex, r.seriesId,
                    r.frameNumber, r.pixelType, f.pixelType);
            return;
        }
        ModuleGeometry.place(dest, pixels, f.pixels, r.pixelType.bytes());
        f.presentMask |= 1L << r.moduleIndex;
        f.partWidth[r.moduleIndex] = r.width;
        f.partHeight[r.moduleIndex] = r.height;
        if (Long.bitCount(f.presentMask) == geometry.modules()) {
            pending.remove(r.frameNumber);
            emit(r.seriesId, r.frameNumber, f, out);
        } else {
            pending.put(r.frameNumber, f);
        }
    }

    private int[] destination(int module, int w, int h) {
        long key = ((long) module << 40) | ((long) w << 20) | h;
        int[] d = destinationCache.get(key);
        if (d == null) {
            d = geometry.destinationIndices(module, w, h);
            destinationCache.put(key, d);
        }
        return d;
    }

    private void emit(String seriesId, long frameNumber, PartialFrame f, Collector<JournalRecord> out)
            throws Exception {
        int modules = geometry.modules();
        int[][] dest = new int[modules][];
        for (int m = 0; m < modules; m++) {
            if ((f.presentMask & (1L << m)) != 0) {
                dest[m] = destination(m, f.partWidth[m], f.partHeight[m]);
            }
        }
        int missing = modules - Long.bitCount(f.presentMask);
        JournalRecord a = new JournalRecord();
        a.type = MessageType.FRAME;
        a.seriesId = seriesId;
        a.frameNumber = frameNumber;
        a.moduleIndex = 0;
        a.moduleCount = 1;
        a.width = geometry.width();
        a.height = geometry.height();
        a.pixelType = f.pixelType;
        a.acquisitionTimeNs = f.acquisitionTimeNs;
        a.receiveTimeNs = f.receiveTimeNs;
        a.payload = f.pixels;
        a.incomplete = missing > 0;
        byte[] mask = geometry.invalidMask(dest);
        a.invalidMask = hasInvalid(mask) ? mask : null;
        if (missing > 0) {
            framesIncomplete.inc();
            modulePartsMissing.inc(missing);
        } else {
            framesComplete.inc();
        }
        emitted.put(frameNumber, Boolean.TRUE);
        out.collect(a);
    }

    private static boolean hasInvalid(byte[] mask) {
        for (byte b : mask) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    private void finish(String seriesId, SeriesProgress p, Collector<JournalRecord> out) throws Exception {
        List<Long> frames = new ArrayList<>();
        for (Long n : pending.keys()) {
            frames.add(n);
        }
        frames.sort(null);
        for (Long n : frames) {
            emit(seriesId, n, pending.get(n), out);
        }
        pending.clear();
        emitted.clear();
        p.finished = true;
        JournalRecord end = new JournalRecord();
        end.type = MessageType.SERIES_END;
        end.seriesId = seriesId;
        end.frameNumber = p.announcedFrames;
        out.collect(end);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JournalRecord> collector) throws Exception {
        Collector<JournalRecord> out = new Sequencing(collector);
        SeriesProgress p = progress.value();
        if (p == null || p.finished) {
            return;
        }
        String seriesId = ctx.getCurrentKey();
        List<Long> expired = new ArrayList<>();
        for (Map.Entry<Long, PartialFrame> e : pending.entries()) {
            if (e.getValue().firstArrivalMs + config.moduleTimeoutMs <= timestamp) {
                expired.add(e.getKey());
            }
        }
        expired.sort(null);
        for (Long n : expired) {
            PartialFrame f = pending.get(n);
            pending.remove(n);
            emit(seriesId, n, f, out);
        }
        if (p.endDeadlineMs > 0 && timestamp >= p.endDeadlineMs) {
            LOG.warn("series {}: no SERIES_END from {} within {} ms of the first; closing it", seriesId,
                    p.streams.stream().filter(s -> !p.endedStreams.contains(s)).toList(), config.moduleTimeoutMs);
            finish(seriesId, p, out);
            progress.update(p);
        }
    }

    /** Numbers the records emitted for the current key (series) in their order. */
    private final class Sequencing implements Collector<JournalRecord> {
        private final Collector<JournalRecord> out;

        Sequencing(Collector<JournalRecord> out) {
            this.out = out;
        }

        @Override
        public void collect(JournalRecord r) {
            try {
                Long n = emittedRecords.value();
                long sequence = n == null ? 0 : n;
                r.orderKey = "series/" + r.seriesId;
                r.sequence = sequence;
                emittedRecords.update(sequence + 1);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            out.collect(r);
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
