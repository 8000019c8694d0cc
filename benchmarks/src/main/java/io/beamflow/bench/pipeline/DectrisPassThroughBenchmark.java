package io.beamflow.bench.pipeline;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.io.FileTrees;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.accounting.SeriesSummary;
import io.beamflow.ingest.accounting.StreamSummary;
import io.beamflow.ingest.protocol.SimplonProtocolAdapter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Compressed pass-through against raw frames (issue #14 item 2), measured in one run: the same realistic frames
 * ({@link FrameSynthesizer}, 30 % hits) sent by a DECTRIS stream v1 sender (JeroMQ PUSH, {@code dimage-1.0}
 * messages) once as {@code bs16-lz4<} (compressed before timing, as the detector sends them) and once raw
 * ({@code <}), alternating round by round. Each round: (1) the ingest node (Simplon adapter, journal) receives the
 * series; measured: frames/s to the series end, bytes journaled per frame, process CPU per frame; (2) the production
 * job ({@code PipelineRunner.buildJob}, config/demo.yaml) reduces the journal and commits the files
 * ({@link PipelineThroughputBenchmark#run}); measured: frames/s (steady and with start/commit), process CPU per
 * frame, and the CPU of the HDF5 sink's thread per frame. End to end: frames / (ingest + job seconds), the two run
 * one after the other on the same cores.
 *
 * <p>Run (after {@code mvn -B -q -DskipTests package}):
 * {@code benchmarks/target/bench io.beamflow.bench.pipeline.DectrisPassThroughBenchmark [--size 1024]
 * [--frames 1000] [--rounds 2] [--parallelism 2] [--dir /tmp/beamflow-passthrough-bench]}
 */
public final class DectrisPassThroughBenchmark {
    private DectrisPassThroughBenchmark() {
    }

    /** One round of one source. */
    record Round(String source, double ingestSeconds, double ingestCpuSeconds, long journaledBytes,
            PipelineThroughputBenchmark.Measured job) {
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
        int size = Integer.parseInt(opts.getOrDefault("size", "1024"));
        int frames = Integer.parseInt(opts.getOrDefault("frames", "1000"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
        int parallelism = Integer.parseInt(opts.getOrDefault("parallelism", "2"));
        Path configFile = Path.of(opts.getOrDefault("config", "config/demo.yaml"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/beamflow-passthrough-bench"));

        FrameSynthesizer synth = new FrameSynthesizer(SimulationParameters.defaults(size, size).withHitFraction(0.3));
        BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
        List<byte[]> raw = new ArrayList<>();
        List<byte[]> compressed = new ArrayList<>();
        for (int i = 0; i < Math.min(frames, 40); i++) { // a few dozen distinct frames, repeated
            byte[] f = FrameSynthesizer.toLittleEndianBytes(synth.frame(i));
            byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(f.length, 2)];
            raw.add(f);
            compressed.add(Arrays.copyOf(out, codec.compress(f, 0, f.length, 2, out, 0)));
        }
        List<Round> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (String source : List.of("bslz4", "raw")) {
                FileTrees.deleteRecursively(dir);
                BeamflowConfig config = BeamflowConfig.load(configFile);
                config.reduction.parallelism = parallelism;
                Path journalRoot = dir.resolve("journal");
                Round round = ingest(config, journalRoot, source, source.equals("raw") ? raw : compressed, size,
                        frames);
                PipelineThroughputBenchmark.Measured job = PipelineThroughputBenchmark.run(config, journalRoot,
                        dir.resolve("run"), frames, (long) size * size * 2 * frames);
                round = new Round(source, round.ingestSeconds(), round.ingestCpuSeconds(), round.journaledBytes(),
                        job);
                results.add(round);
                System.out.printf(Locale.ROOT, "round %d %s: ingest %.1f frames/s, job %.1f frames/s%n", r + 1, source,
                        frames / round.ingestSeconds(), job.framesPerSecond());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %dx%d uint16, %d frames, parallelism %d | round | journal bytes/frame | "
                + "ingest frames/s | ingest CPU ms/frame | job frames/s steady | job frames/s incl. start and commit | "
                + "job CPU ms/frame | sink thread CPU ms/frame | end to end frames/s |%n", size, size, frames,
                parallelism);
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            Round x = results.get(i);
            double sinkCpu = x.job().cpuByStage().entrySet().stream().filter(e -> e.getKey().contains("hdf5-sink"))
                    .mapToDouble(Map.Entry::getValue).sum();
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.1f | %.2f | %.1f | %.1f | %.2f | %.2f | %.1f |%n",
                    x.source(), i / 2 + 1, (double) x.journaledBytes() / frames, frames / x.ingestSeconds(),
                    1000 * x.ingestCpuSeconds() / frames, x.job().steadyFramesPerSecond(), x.job().framesPerSecond(),
                    1000 * x.job().cpuSeconds() / frames, 1000 * sinkCpu / frames,
                    frames / (x.ingestSeconds() + x.job().seconds()));
        }
    }

    /** Sends one series through an ingest node speaking DECTRIS stream v1; returns the ingest's figures. */
    static Round ingest(BeamflowConfig config, Path journalRoot, String source, List<byte[]> data, int size,
            int frames) throws Exception {
        config.ingest.endpoints = List.of("tcp://127.0.0.1:*");
        config.ingest.protocol = SimplonProtocolAdapter.NAME;
        config.ingest.journalDirectory = journalRoot.toString();
        config.ingest.journalMinFreeBytes = 1L << 20;
        config.ingest.journalServerEndpoint = "";
        String encoding = source.equals("raw") ? "<" : "bs16-lz4<";
        long cpu0;
        long t0;
        double seconds;
        double cpuSeconds;
        try (IngestNode node = IngestNode.start(config.ingest, new SimpleMeterRegistry());
                ZContext ctx = new ZContext()) {
            ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
            push.setSndHWM(64);
            push.connect(node.boundEndpoints().get(0));
            String stream = node.streamIds().get(0);
            cpu0 = processCpuNs();
            t0 = System.nanoTime();
            push.sendMore(utf8("{\"htype\":\"dheader-1.0\",\"series\":1,\"header_detail\":\"basic\"}"));
            push.send(utf8("{\"x_pixels_in_detector\":" + size + ",\"y_pixels_in_detector\":" + size
                    + ",\"bit_depth_image\":16,\"nimages\":" + frames + ",\"ntrigger\":1}"));
            byte[] dconfig = utf8("{\"htype\":\"dconfig-1.0\"}");
            for (int f = 0; f < frames; f++) {
                byte[] d = data.get(f % data.size());
                push.sendMore(utf8("{\"htype\":\"dimage-1.0\",\"series\":1,\"frame\":" + f + ",\"hash\":\"\"}"));
                push.sendMore(utf8("{\"htype\":\"dimage_d-1.0\",\"shape\":[" + size + "," + size
                        + "],\"type\":\"uint16\",\"encoding\":\"" + encoding + "\",\"size\":" + d.length + "}"));
                push.sendMore(d);
                push.send(dconfig);
            }
            push.send(utf8("{\"htype\":\"dseries_end-1.0\",\"series\":1}"));
            while (true) {
                SeriesSummary s = node.summary(stream).series("1");
                if (s != null && s.ended()) {
                    break;
                }
                Thread.onSpinWait();
                Thread.sleep(1);
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            cpuSeconds = (processCpuNs() - cpu0) / 1e9;
            StreamSummary sum = node.summary(stream);
            if (sum.series("1").framesReceived() != frames || sum.rejectedTotal() != 0) {
                throw new IllegalStateException("ingest lost frames: " + node.formatSummary());
            }
            return new Round(source, seconds, cpuSeconds, sum.bytesJournaled(), null);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
