package io.beamflow.reduce.flink;

import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.result.FrameResult;
import io.beamflow.core.wire.WireLimits;
import io.beamflow.reduce.flink.source.JournalRecord;
import io.beamflow.reduce.flink.source.JournalLocations;
import io.beamflow.reduce.flink.source.JournalSettings;
import io.beamflow.reduce.flink.source.JournalSource;
import io.beamflow.reduce.flink.rules.RuleDecisionFunction;
import io.beamflow.reduce.flink.rules.RuleFileSource;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Assembles the reduction job: journal source, module assembly (multi-module detectors), frame
 * reduction (corrections, statistics, ROIs, azimuthal integration, peaks) and the rule decision fed
 * by the broadcast rule stream. Returns the {@link FrameResult} stream consumed by sinks and live view.
 *
 * <p>The reduction is frame-parallel: one detector stream is one split, read by one source subtask, and at a
 * parallelism above 1 its frames are dealt round-robin to every reduction subtask (all slots, all
 * TaskManagers); the decision ({@link RuleDecisionFunction}, keyed by stream or assembled series) first puts
 * each of them back in journal order, so that the rules and the sink see every series whole and in order.
 * Objects are reused between chained operators (no operator changes a record after passing it on), which
 * saves a copy of every frame's pixels per chained stage. Frames journaled bitshuffle+LZ4 compressed pass
 * through to the sink as their received bytes when {@code sink.compression} is bslz4.
 */
public final class ReductionJob {
    /** Co-location group of the live path's last task ({@code live-decide}), for consumers of the live path. */
    public static final String LIVE_PATH_GROUP = "beamflow-live-path";

    private ReductionJob() {
    }

    /** The job's two result streams. */
    public record Streams(DataStream<FrameResult> record, DataStream<FrameResult> live) {
        /**
         * @param record every frame's result and the series markers, in order per series (the files of record)
         * @param live   the live path's fresh samples ({@link FrameResult#preview}), or {@code null} without one
         */
        public Streams {
        }
    }

    /**
     * @param env    execution environment (checkpointing is configured by the caller)
     * @param config whole configuration
     * @return FRAME results and series markers, in order per series
     */
    public static DataStream<FrameResult> build(StreamExecutionEnvironment env, BeamflowConfig config) {
        return build(env, config, 0).record();
    }

    /**
     * The record path and, when {@code liveFramesPerSecond > 0}, the live path: a source of its own that reads
     * the same journals but takes only fresh frames, at most {@code liveFramesPerSecond} per stream, reduced and
     * decided at parallelism 1, so that the live view stays fresh however far the record path is behind. The
     * live path needs local journals and single-module streams; otherwise it is {@code null} and the live view
     * takes its images from the record path.
     *
     * @param env                 execution environment (checkpointing is configured by the caller)
     * @param config              whole configuration
     * @param liveFramesPerSecond frames per stream the live path reduces at most ({@code Double.POSITIVE_INFINITY}:
     *                            every fresh frame); 0: no live path
     * @return the streams
     */
    public static Streams build(StreamExecutionEnvironment env, BeamflowConfig config, double liveFramesPerSecond) {
        return build(env, config, liveFramesPerSecond, null);
    }

    /**
     * @param config whole configuration
     * @return whether {@link #build} gives a live path for it (local journals, single-module streams)
     */
    public static boolean supportsLivePath(BeamflowConfig config) {
        return config.reduction.journalServers.isEmpty() && config.reduction.assembly.modules.isEmpty();
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, BeamflowConfig, double)}, with a per-frame stage that runs in
     * the reduction subtasks, after the reduction and before the results are put back in order (e.g. the sink's
     * chunk compression, so that it scales with the reduction).
     *
     * @param env                 execution environment (checkpointing is configured by the caller)
     * @param config              whole configuration
     * @param liveFramesPerSecond frames per stream the live path reduces at most; 0: no live path
     * @param inReduction         the stage, stateless; {@code null}: none
     * @return the streams
     */
    public static Streams build(StreamExecutionEnvironment env, BeamflowConfig config, double liveFramesPerSecond,
            MapFunction<FrameResult, FrameResult> inReduction) {
        ReductionConfig rc = config.reduction;
        int expected = rc.expectedStreams > 0 ? rc.expectedStreams : Math.max(1, config.ingest.endpoints.size());
        JournalSettings journal = new JournalSettings(config.ingest.journalRollCycle,
                config.ingest.journalBlockSizeBytes);
        JournalLocations journals = new JournalLocations(config.ingest.journalDirectory, rc.journalServers,
                rc.journalServerTimeoutMs);
        WireLimits limits = new WireLimits(config.ingest.maxHeaderBytes, config.ingest.maxFrameBytes);
        // Beyond one subtask, frames of local journals cross the exchange into the reduction as references and
        // each reduction subtask reads its frames' pixels from the journal (PipelineThroughputBenchmark).
        boolean byReference = env.getParallelism() != 1 && !journals.remote() && rc.assembly.modules.isEmpty();
        JournalSource source = byReference
                ? JournalSource.byReference(journals, rc.streamDiscoveryIntervalMs, rc.stopAfterSeriesEnd, expected,
                        limits, journal)
                : new JournalSource(journals, rc.streamDiscoveryIntervalMs, rc.stopAfterSeriesEnd, expected, limits,
                        journal);
        DataStream<JournalRecord> records = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "journal-source")
                .uid("journal-source");
        if (!rc.assembly.modules.isEmpty()) {
            records = records.keyBy(r -> r.seriesId)
                    .process(new AssembleModulesFunction(rc.assembly)).name("assemble-modules").uid("assemble-modules");
        }
        env.getConfig().enableObjectReuse();
        // The same graph at every parallelism (a savepoint restores at another one); only the partitioning into
        // the reduction differs: at parallelism 1 it is chained to the source.
        DataStream<JournalRecord> toReduce = env.getParallelism() == 1 ? records : records.rebalance();
        DataStream<FrameResult> reduced = toReduce
                .flatMap(new ReduceFrameFunction(rc, true, byReference ? journal : null, limits,
                        PayloadCodec.ofSinkCompression(config.sink.compression))).name("reduce-frames")
                .uid("reduce-frames");
        if (inReduction != null) {
            reduced = reduced.map(inReduction).name("in-reduction").uid("in-reduction");
        }
        BroadcastStream<String> rules = env
                .fromSource(new RuleFileSource(rc.rulesDirectory, rc.rulePollIntervalMs,
                        journals, expected, rc.stopAfterSeriesEnd, journal),
                        WatermarkStrategy.noWatermarks(), "rule-source")
                .uid("rule-source").setParallelism(1)
                .broadcast(RuleDecisionFunction.RULES_STATE);
        Set<String> roiNames = new LinkedHashSet<>();
        rc.rois.forEach(r -> roiNames.add(r.name));
        DataStream<FrameResult> decided = reduced.keyBy(r -> r.orderKey).connect(rules)
                .process(new RuleDecisionFunction(rc.rulesDirectory, roiNames))
                .name("decide").uid("decide");
        DataStream<FrameResult> live = null;
        if (liveFramesPerSecond > 0 && supportsLivePath(config)) {
            JournalSource liveSource = JournalSource.live(journals, rc.streamDiscoveryIntervalMs,
                    rc.stopAfterSeriesEnd, expected, limits, journal, liveFramesPerSecond);
            // The live path's records leave each task at once (buffer timeout 0): they are few, and a partly
            // filled network buffer would otherwise wait for the periodic flush. Its source emits the newest frame
            // as a reference, read from the journal by the reduction chained to it.
            SingleOutputStreamOperator<FrameResult> decidedLive = env
                    .fromSource(liveSource, WatermarkStrategy.noWatermarks(), "live-source")
                    .uid("live-source").setParallelism(1)
                    .flatMap(new ReduceFrameFunction(rc, true, journal, limits)).name("live-reduce")
                    .uid("live-reduce").setParallelism(1).setBufferTimeout(0)
                    .keyBy(r -> r.orderKey).connect(rules)
                    .process(new RuleDecisionFunction(rc.rulesDirectory, roiNames))
                    .name("live-decide").uid("live-decide").setParallelism(1);
            SingleOutputStreamOperator<FrameResult> marked = decidedLive.map(new MarkPreview()).name("live-mark")
                    .uid("live-mark").setParallelism(1).setBufferTimeout(0);
            // Whatever consumes the live path in the same slot (the live view) co-locates with this key.
            decidedLive.getTransformation().setCoLocationGroupKey(LIVE_PATH_GROUP);
            marked.getTransformation().setCoLocationGroupKey(LIVE_PATH_GROUP);
            live = marked;
        }
        return new Streams(decided, live);
    }

    /** Marks the live path's results as samples, not records. */
    private static final class MarkPreview implements MapFunction<FrameResult, FrameResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public FrameResult map(FrameResult r) {
            r.preview = true;
            return r;
        }
    }
}
