package io.beamflow.bench.pipeline;

import io.beamflow.app.control.FlinkMicrometerReporter;
import io.beamflow.app.demo.ReductionRateSampler;
import io.beamflow.app.pipeline.FrameNetworkSettings;
import io.beamflow.app.pipeline.PipelineRunner;
import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.io.FileTrees;
import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.reduce.kernel.FrameReducer;
import io.beamflow.reduce.kernel.FrameReducerFactory;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Frames per second through the production job graph ({@link PipelineRunner#buildJob}: journal source,
 * reduction, rule decision, HDF5 sink with bitshuffle/LZ4, live view) from a journal pre-filled with
 * realistic frames (30 % hits) to committed files, at each given parallelism; each stage's share of the
 * process CPU (by Flink task thread); and, as the baseline of the same run, the "kernel ceiling":
 * 1 / (single-thread time per frame of {@link FrameReducer#reduce} + bitshuffle/LZ4 of its pixels), so the
 * job graph's efficiency is a ratio.
 *
 * <p>Run (after {@code mvn -B -q -DskipTests package}):
 * {@code benchmarks/target/bench io.beamflow.bench.pipeline.PipelineThroughputBenchmark [--config config/demo.yaml]
 * [--size 1024] [--frames 1000] [--parallelism 1,2] [--compression-threads N] [--dir /tmp/beamflow-pipeline-bench]}
 * ({@code -Dbench.flink="key=value;key=value"} in {@code BENCH_HEAP} adds Flink settings, for trying them).
 */
public final class PipelineThroughputBenchmark {
    private static volatile long blackhole;

    private PipelineThroughputBenchmark() {
    }

    /** One job run. */
    record Measured(int parallelism, double seconds, double framesPerSecond, double megabytesPerSecond,
            double cpuSeconds, Map<String, Double> cpuByStage, double steadyFramesPerSecond) {
    }

    /**
     * @param args see the class comment
     * @throws Exception when a stage fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path configFile = Path.of(opts.getOrDefault("config", "config/demo.yaml"));
        int size = Integer.parseInt(opts.getOrDefault("size", "1024"));
        int frames = Integer.parseInt(opts.getOrDefault("frames", "1000"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/beamflow-pipeline-bench"));
        List<Integer> parallelisms = new ArrayList<>();
        for (String p : opts.getOrDefault("parallelism", "1,2").split(",")) {
            parallelisms.add(Integer.parseInt(p.strip()));
        }
        Path journalRoot = dir.resolve("journal-" + size + "-" + frames);
        FileTrees.deleteRecursively(dir);
        long bytes = fill(journalRoot, "bench-stream", "bench-" + size, size, frames);
        System.out.printf(Locale.ROOT, "journal: %d frames of %dx%d uint16 (%.1f MB) in %s%n", frames, size, size,
                bytes / 1e6, journalRoot);

        BeamflowConfig base = BeamflowConfig.load(configFile);
        double ceiling = kernelCeiling(base, size);
        System.out.printf(Locale.ROOT, "kernel ceiling (one thread: reduce + bitshuffle/LZ4): %.1f frames/s%n",
                ceiling);
        List<Measured> results = new ArrayList<>();
        for (int p : parallelisms) {
            BeamflowConfig config = BeamflowConfig.load(configFile);
            config.reduction.parallelism = p;
            if (opts.containsKey("compression-threads")) {
                config.sink.compressionThreads = Integer.parseInt(opts.get("compression-threads"));
            }
            Measured m = run(config, journalRoot, dir.resolve("run-p" + p), frames, bytes);
            results.add(m);
            System.out.printf(Locale.ROOT, "parallelism %d: %.1f frames/s steady, %.1f frames/s and %.0f MB/s with start "
                    + "and commit, %.1f s, %.1f CPU-s%n", p, m.steadyFramesPerSecond(), m.framesPerSecond(),
                    m.megabytesPerSecond(), m.seconds(), m.cpuSeconds());
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %dx%d, %d frames | steady frames/s | efficiency (of ceiling %.1f/s) | "
                + "x parallelism 1 | frames/s incl. start and commit | MB/s | CPU-s | CPU share by thread |%n", size,
                size, frames, ceiling);
        System.out.println("|---|---|---|---|---|---|---|---|");
        double first = results.get(0).steadyFramesPerSecond();
        for (Measured m : results) {
            StringBuilder shares = new StringBuilder();
            m.cpuByStage().entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .filter(e -> e.getValue() / m.cpuSeconds() >= 0.01)
                    .forEach(e -> shares.append(String.format(Locale.ROOT, "%s %.0f %%; ", e.getKey(),
                            100 * e.getValue() / m.cpuSeconds())));
            System.out.printf(Locale.ROOT, "| parallelism %d | %.1f | %.2f | %.2f | %.1f | %.0f | %.1f | %s |%n",
                    m.parallelism(), m.steadyFramesPerSecond(), m.steadyFramesPerSecond() / ceiling,
                    m.steadyFramesPerSecond() / first, m.framesPerSecond(), m.megabytesPerSecond(), m.cpuSeconds(),
                    shares);
        }
    }

    /** Writes one series into a journal as an ingest node would; returns the pixel bytes written. */
    static long fill(Path journalRoot, String stream, String series, int size, int frames) {
        SimulationParameters p = SimulationParameters.defaults(size, size).withHitFraction(0.3);
        FrameSynthesizer synth = new FrameSynthesizer(p);
        UnsafeBuffer header = new UnsafeBuffer(new byte[512]);
        long bytes = 0;
        try (FrameJournal journal = FrameJournal.open(JournalConfig.of(journalRoot.resolve(stream)))) {
            byte[] meta = ("{\"width\":" + size + ",\"height\":" + size + ",\"frames\":" + frames + "}")
                    .getBytes(StandardCharsets.UTF_8);
            int n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, series, 0, 0, 1, size, size,
                    PixelType.UINT16, 0, 0, 0);
            journal.append(header.byteArray(), 0, n, meta, 0, meta.length);
            // A few dozen distinct frames, repeated: synthesis is slower than the pipeline.
            List<byte[]> distinct = new ArrayList<>();
            for (int i = 0; i < Math.min(frames, 40); i++) {
                distinct.add(FrameSynthesizer.toLittleEndianBytes(synth.frame(i)));
            }
            for (int f = 0; f < frames; f++) {
                byte[] pixels = distinct.get(f % distinct.size());
                FrameHeader h = new FrameHeader(series, f, 0, 1, size, size, PixelType.UINT16, f * 1_000_000L,
                        System.currentTimeMillis() * 1_000_000L);
                n = NativeHeaderFlyweight.encodeFrame(header, 0, h);
                journal.append(header.byteArray(), 0, n, pixels, 0, pixels.length);
                bytes += pixels.length;
            }
            n = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, series, 0, 0, 1, 1, 1,
                    PixelType.UINT16, 0, 0, frames);
            journal.append(header.byteArray(), 0, n, new byte[0], 0, 0);
        }
        return bytes;
    }

    /** 1 / single-thread seconds per frame of the reduction kernels and the sink's compression. */
    static double kernelCeiling(BeamflowConfig config, int size) {
        FrameReducer reducer = FrameReducerFactory.create(config.reduction, size, size, PixelType.UINT16);
        FrameSynthesizer synth = new FrameSynthesizer(SimulationParameters.defaults(size, size).withHitFraction(0.3));
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            frames.add(FrameSynthesizer.toLittleEndianBytes(synth.frame(i)));
        }
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(frames.get(0).length, 2)];
        long sink = 0;
        for (int round = 0; round < 2; round++) { // the first round warms up
            long start = System.nanoTime();
            int done = 0;
            while (System.nanoTime() - start < 3_000_000_000L) {
                byte[] f = frames.get(done % frames.size());
                sink += reducer.reduce(f, PixelType.UINT16, null).peakCount();
                sink += codec.compress(f, 0, f.length, 2, out, 0);
                done++;
            }
            if (round == 1) {
                double perFrame = (System.nanoTime() - start) / 1e9 / done;
                blackhole = sink; // keeps the results alive for the JIT
                return 1 / perFrame;
            }
        }
        throw new AssertionError();
    }

    /** Runs the bounded production job over the journal and measures it to the last committed file. */
    static Measured run(BeamflowConfig config, Path journalRoot, Path runDir, int frames, long bytes)
            throws Exception {
        config.ingest.journalDirectory = journalRoot.toString();
        config.ingest.endpoints = List.of("tcp://127.0.0.1:1");
        config.reduction.stopAfterSeriesEnd = 1;
        config.reduction.expectedStreams = 1;
        config.reduction.streamDiscoveryIntervalMs = 50;
        config.reduction.rulesDirectory = runDir.resolve("rules").toString();
        config.reduction.checkpointDirectory = runDir.resolve("checkpoints").toString();
        config.sink.outputRoot = runDir.resolve("raw").toString();
        config.control.liveViewEndpoint = "tcp://127.0.0.1:*";
        Files.createDirectories(runDir);
        Configuration conf = FrameNetworkSettings.apply(FlinkMicrometerReporter.enable(new Configuration()),
                config.reduction.parallelism);
        for (String kv : System.getProperty("bench.flink", "").split(";")) {
            if (!kv.isBlank()) {
                conf.setString(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                runDir.resolve("checkpoints").toAbsolutePath().toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                config.reduction.parallelism, conf);
        env.enableCheckpointing(config.reduction.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        PipelineRunner.buildJob(env, config);
        ThreadCpu cpu = new ThreadCpu();
        cpu.start();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        // steady rate: frames the sink stored between its first and its last (Flink reports counters every second)
        ReductionRateSampler stored = ReductionRateSampler.start(registry,
                id -> id.getName().endsWith(".hdf5FramesStored"));
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(cpu::sample, 100, 100, TimeUnit.MILLISECONDS);
        long cpuStart = processCpuNs();
        long start = System.nanoTime();
        try {
            env.execute("pipeline-throughput-p" + config.reduction.parallelism);
        } finally {
            sampler.shutdownNow();
            stored.close();
            Metrics.removeRegistry(registry);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNs() - cpuStart) / 1e9;
        try (var files = Files.walk(runDir.resolve("raw"))) {
            long masters = files.filter(f -> f.getFileName().toString().endsWith("_master.h5")).count();
            if (masters != 1) {
                throw new IllegalStateException("expected one committed master file, found " + masters);
            }
        }
        return new Measured(config.reduction.parallelism, seconds, frames / seconds, bytes / 1e6 / seconds,
                cpuSeconds, cpu.byStage(), stored.framesPerSecond());
    }

    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time per thread, sampled while the job runs (task threads end with the job), grouped by stage. */
    static final class ThreadCpu {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> cpuNs = new HashMap<>();
        private final Map<Long, String> names = new HashMap<>();
        private final Map<Long, Long> atStartNs = new HashMap<>();

        /** Remembers the CPU time threads that already run have used, so that only the job's share counts. */
        synchronized void start() {
            sample();
            atStartNs.putAll(cpuNs);
        }

        synchronized void sample() {
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    cpuNs.put(info.getThreadId(), t);
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
        }

        synchronized Map<String, Double> byStage() {
            Map<String, Double> out = new TreeMap<>();
            cpuNs.forEach((id, ns) -> out.merge(stage(names.get(id)), (ns - atStartNs.getOrDefault(id, 0L)) / 1e9,
                    Double::sum));
            return out;
        }

        /** Flink task threads are named "op1 -> op2 (i/n)#attempt"; other threads by their pool. */
        static String stage(String thread) {
            String s = thread.replaceAll(" \\(\\d+/\\d+\\)#\\d+$", "").replaceAll("[-_ ]?\\d+$", "");
            return s.isEmpty() ? "other" : s;
        }
    }
}
