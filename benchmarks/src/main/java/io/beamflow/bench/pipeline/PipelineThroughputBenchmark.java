package io.beamflow.bench.pipeline;

import io.beamflow.app.control.FlinkMicrometerReporter;
import io.beamflow.app.demo.ReductionRateSampler;
import io.beamflow.app.pipeline.FrameNetworkSettings;
import io.beamflow.app.pipeline.PipelineRunner;
import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.codec.PayloadCodec;
import io.beamflow.core.config.BeamflowConfig;
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
 * [--size 1024] [--frames 1000] [--parallelism 1,2] [--compression-threads N] [--dir /tmp/beamflow-pipeline-bench]
 * [--sources raw,bslz4]}
 * ({@code -Dbench.flink="key=value;key=value"} in {@code BENCH_HEAP} adds Flink settings, for trying them).
 *
 * <p>{@code --sources} (default {@code raw}): {@code raw} journals the frames as pixels (a native or uncompressed
 * sender); {@code bslz4} journals the same frames as an ingest node journals a DECTRIS {@code bs16-lz4<} frame,
 * compressed as received, so that the job passes them through to the files (compressed pass-through). Each source
 * gets its own journal and runs at each parallelism; the table gives journal bytes per frame and CPU per frame.
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
        List<String> sources = List.of(opts.getOrDefault("sources", "raw").split(","));
        FileTrees.deleteRecursively(dir);
        Map<String, Path> journals = new HashMap<>();
        Map<String, Long> journaled = new HashMap<>();
        long bytes = (long) size * size * 2 * frames;
        for (String source : sources) {
            boolean compressed = switch (source.strip()) {
                case "raw" -> false;
                case "bslz4" -> true;
                default -> throw new IllegalArgumentException("unknown source '" + source + "' (raw, bslz4)");
            };
            Path journalRoot = dir.resolve("journal-" + source.strip() + "-" + size + "-" + frames);
            long body = fill(journalRoot, "bench-stream", "bench-" + size, size, frames, compressed);
            journals.put(source.strip(), journalRoot);
            journaled.put(source.strip(), body);
            System.out.printf(Locale.ROOT, "journal (%s): %d frames of %dx%d uint16, %.1f MB of frame bodies "
                    + "(%.0f bytes per frame) in %s%n", source.strip(), frames, size, size, body / 1e6,
                    (double) body / frames, journalRoot);
        }

        BeamflowConfig base = BeamflowConfig.load(configFile);
        double ceiling = kernelCeiling(base, size);
        System.out.printf(Locale.ROOT, "kernel ceiling (one thread: reduce + bitshuffle/LZ4): %.1f frames/s%n",
                ceiling);
        if (journals.containsKey("bslz4")) {
            double[] ms = codecMillis(size);
            System.out.printf(Locale.ROOT, "per frame, one thread: bitshuffle/LZ4 compress %.2f ms (what a raw frame "
                    + "costs to encode for the sink; a bslz4 frame passes through), decompress %.2f ms (what a bslz4 "
                    + "frame costs the reduction before its features)%n", ms[0], ms[1]);
        }
        List<Measured> results = new ArrayList<>();
        List<String> resultSources = new ArrayList<>();
        for (int p : parallelisms) {
            for (String source : journals.keySet().stream().sorted(java.util.Comparator.comparing(sources::indexOf))
                    .toList()) {
                BeamflowConfig config = BeamflowConfig.load(configFile);
                config.reduction.parallelism = p;
                if (opts.containsKey("compression-threads")) {
                    config.sink.compressionThreads = Integer.parseInt(opts.get("compression-threads"));
                }
                Measured m = run(config, journals.get(source), dir.resolve("run-" + source + "-p" + p), frames, bytes);
                results.add(m);
                resultSources.add(source);
                System.out.printf(Locale.ROOT, "%s, parallelism %d: %.1f frames/s steady, %.1f frames/s and %.0f MB/s "
                        + "with start and commit, %.1f s, %.1f CPU-s%n", source, p, m.steadyFramesPerSecond(),
                        m.framesPerSecond(), m.megabytesPerSecond(), m.seconds(), m.cpuSeconds());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %dx%d, %d frames | source | journal bytes/frame | steady frames/s | "
                + "efficiency (of ceiling %.1f/s) | x first row | frames/s incl. start and commit | MB/s | CPU-s | "
                + "CPU ms/frame | sink thread CPU ms/frame | CPU share by thread |%n", size, size, frames, ceiling);
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        double first = results.get(0).steadyFramesPerSecond();
        for (int i = 0; i < results.size(); i++) {
            Measured m = results.get(i);
            String source = resultSources.get(i);
            double sinkCpu = m.cpuByStage().entrySet().stream().filter(e -> e.getKey().contains("hdf5-sink"))
                    .mapToDouble(Map.Entry::getValue).sum();
            StringBuilder shares = new StringBuilder();
            m.cpuByStage().entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .filter(e -> e.getValue() / m.cpuSeconds() >= 0.01)
                    .forEach(e -> shares.append(String.format(Locale.ROOT, "%s %.0f %%; ", e.getKey(),
                            100 * e.getValue() / m.cpuSeconds())));
            System.out.printf(Locale.ROOT, "| parallelism %d | %s | %.0f | %.1f | %.2f | %.2f | %.1f | %.0f | %.1f | %.2f "
                    + "| %.2f | %s |%n", m.parallelism(), source, (double) journaled.get(source) / frames,
                    m.steadyFramesPerSecond(), m.steadyFramesPerSecond() / ceiling,
                    m.steadyFramesPerSecond() / first, m.framesPerSecond(), m.megabytesPerSecond(), m.cpuSeconds(),
                    1000 * m.cpuSeconds() / frames, 1000 * sinkCpu / frames, shares);
        }
    }

    /** Writes one series of raw frames into a journal as an ingest node would; returns the pixel bytes written. */
    static long fill(Path journalRoot, String stream, String series, int size, int frames) {
        return fill(journalRoot, stream, series, size, frames, false);
    }

    /**
     * Writes one series into a journal as an ingest node would: raw pixels, or (with {@code compressed}) the
     * bitshuffle+LZ4 chunks a DECTRIS detector sends, journaled as received.
     *
     * @return the frame body bytes written
     */
    static long fill(Path journalRoot, String stream, String series, int size, int frames, boolean compressed) {
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
            BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
            for (int i = 0; i < Math.min(frames, 40); i++) {
                byte[] raw = FrameSynthesizer.toLittleEndianBytes(synth.frame(i));
                if (compressed) {
                    byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
                    raw = java.util.Arrays.copyOf(out, codec.compress(raw, 0, raw.length, 2, out, 0));
                }
                distinct.add(raw);
            }
            for (int f = 0; f < frames; f++) {
                byte[] pixels = distinct.get(f % distinct.size());
                n = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, series, f, 0, 1, size, size,
                        PixelType.UINT16, f * 1_000_000L, System.currentTimeMillis() * 1_000_000L, pixels.length,
                        compressed ? PayloadCodec.BSLZ4 : PayloadCodec.RAW);
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

    /** @return single-thread milliseconds per frame to compress and to decompress a realistic frame */
    static double[] codecMillis(int size) {
        FrameSynthesizer synth = new FrameSynthesizer(SimulationParameters.defaults(size, size).withHitFraction(0.3));
        List<byte[]> raw = new ArrayList<>();
        List<byte[]> packed = new ArrayList<>();
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        for (int i = 0; i < 10; i++) {
            byte[] f = FrameSynthesizer.toLittleEndianBytes(synth.frame(i));
            byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(f.length, 2)];
            raw.add(f);
            packed.add(java.util.Arrays.copyOf(out, codec.compress(f, 0, f.length, 2, out, 0)));
        }
        byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.get(0).length, 2)];
        double[] ms = new double[2];
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (int op = 0; op < 2; op++) {
                long start = System.nanoTime();
                int done = 0;
                long sink = 0;
                while (System.nanoTime() - start < 2_000_000_000L) {
                    byte[] in = (op == 0 ? raw : packed).get(done % raw.size());
                    sink += op == 0 ? codec.compress(in, 0, in.length, 2, out, 0)
                            : codec.decompress(in, 0, in.length, 2, out, 0);
                    done++;
                }
                blackhole = sink;
                ms[op] = (System.nanoTime() - start) / 1e6 / done;
            }
        }
        return ms;
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
