package io.beamflow.bench.ingest;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.ZmqHandshake;
import io.beamflow.ingest.IngestNode;
import io.beamflow.ingest.protocol.Stream2ProtocolAdapter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * DECTRIS stream v2 (CBOR) ingest against the native protocol, measured in one run with the same pixels: an
 * ingest node journals 2048x1024 uint16 frames (4 MiB) sent (1) as native 2-part messages (the baseline), (2) as
 * stream v2 image messages with raw typed arrays, (3) as stream v2 image messages with bslz4-compressed typed
 * arrays (decompressed at ingest, as stream v1 does). Every sender hands JeroMQ a fresh heap array per message
 * (one copy on the sender's side in every mode). Figures are GB/s of pixels journaled (1e9 B/s), medians of interleaved repetitions,
 * and the ratio of each v2 mode to the native baseline of the same repetition.
 *
 * <pre>bench io.beamflow.bench.ingest.Stream2IngestBenchmark [--bytes-per-run N] [--repeats R] [dir]</pre>
 */
public final class Stream2IngestBenchmark {
    private static final int W = 2048;
    private static final int H = 1024;
    private static final int FRAME_BYTES = W * H * 2;

    private Stream2IngestBenchmark() {
    }

    /** How frames are sent. */
    enum Mode { NATIVE, V2_RAW, V2_BSLZ4 }

    /**
     * @param args options and the journal directory (default {@code /dev/shm})
     */
    public static void main(String[] args) throws Exception {
        long bytesPerRun = 1L << 30;
        int repeats = 5;
        Path dir = Path.of("/dev/shm");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bytes-per-run" -> bytesPerRun = Long.parseLong(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                default -> dir = Path.of(args[i]);
            }
        }
        int frames = (int) Math.max(16, bytesPerRun / FRAME_BYTES);
        byte[] pixels = pixels();
        byte[] compressed = bslz4(pixels);
        System.out.printf(Locale.ROOT, "# stream v2 ingest, %d frames of %dx%d uint16 (%d MiB) per measurement into %s, "
                + "bslz4 ratio %.2f, median of %d interleaved repetitions after 1 untimed, GB/s of pixels = 1e9 B/s%n",
                frames, W, H, FRAME_BYTES >> 20, dir, pixels.length / (double) compressed.length, repeats);
        for (Mode m : Mode.values()) {
            measure(dir, m, frames, pixels, compressed); // untimed: JIT, pools, mappings
        }
        double[][] gbs = new double[Mode.values().length][repeats];
        double[][] ratio = new double[Mode.values().length][repeats];
        for (int r = 0; r < repeats; r++) {
            for (Mode m : Mode.values()) {
                IngestThroughputBenchmark.settle();
                gbs[m.ordinal()][r] = measure(dir, m, frames, pixels, compressed);
                ratio[m.ordinal()][r] = gbs[m.ordinal()][r] / gbs[Mode.NATIVE.ordinal()][r];
            }
        }
        System.out.println("| mode | ingest node | / native, median (min..max) |");
        System.out.println("|---|---|---|");
        for (Mode m : Mode.values()) {
            double[] q = ratio[m.ordinal()];
            System.out.printf(Locale.ROOT, "| %s | %.2f GB/s | %.2f (%.2f..%.2f) |%n", m.name().toLowerCase(Locale.ROOT),
                    IngestThroughputBenchmark.median(gbs[m.ordinal()]), IngestThroughputBenchmark.median(q),
                    Arrays.stream(q).min().orElse(0), Arrays.stream(q).max().orElse(0));
        }
    }

    private static byte[] pixels() {
        SplittableRandom r = new SplittableRandom(3);
        ByteBuffer b = ByteBuffer.allocate(FRAME_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            b.putShort((short) (r.nextInt(16) == 0 ? r.nextInt(4096) : r.nextInt(8))); // photon counts: mostly small
        }
        return b.array();
    }

    private static byte[] bslz4(byte[] raw) {
        byte[] out = new byte[BitshuffleLz4Codec.maxCompressedLength(raw.length, 2)];
        return Arrays.copyOf(out, new BitshuffleLz4Codec().compress(raw, 0, raw.length, 2, out, 0));
    }

    /** @return GB/s of pixels journaled */
    private static double measure(Path dir, Mode mode, int frames, byte[] pixels, byte[] compressed) throws Exception {
        Path journal = Files.createTempDirectory(dir, "beamflow-bench-v2-journal");
        String endpoint = "tcp://127.0.0.1:" + IngestThroughputBenchmark.freePort();
        IngestConfig c = new IngestConfig();
        c.endpoints = List.of(endpoint);
        c.journalDirectory = journal.toString();
        c.journalMinFreeBytes = 256L << 20;
        c.protocol = mode == Mode.NATIVE ? "native" : Stream2ProtocolAdapter.NAME;
        try (IngestNode node = IngestNode.start(c, new SimpleMeterRegistry())) {
            Thread sender = new Thread(() -> send(endpoint, mode, frames, pixels, compressed), "bench-sender");
            sender.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (node.framesJournaled() == 0) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            long startFrames = node.framesJournaled();
            while (node.framesJournaled() < frames) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ingest node stalled: " + node.formatSummary());
                }
                Thread.sleep(0, 200_000);
            }
            long elapsed = System.nanoTime() - start;
            sender.join();
            return (frames - startFrames) * (double) FRAME_BYTES / elapsed;
        } finally {
            try (Stream<Path> files = Files.walk(journal)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void send(String endpoint, Mode mode, int frames, byte[] pixels, byte[] compressed) {
        try (ZContext ctx = new ZContext(1)) {
            ctx.setLinger(60_000);
            ZMQ.Socket s = ctx.createSocket(SocketType.PUSH);
            s.setSndHWM(64);
            s.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS);
            s.connect(endpoint);
            if (mode == Mode.NATIVE) {
                UnsafeBuffer header = new UnsafeBuffer(new byte[128]);
                for (int f = 0; f < frames; f++) {
                    int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, "bench", f, 0, 1, W, H,
                            PixelType.UINT16, 0, 0, pixels.length);
                    s.send(header.byteArray(), 0, hl, ZMQ.SNDMORE);
                    s.send(pixels.clone(), 0); // a fresh array per message, as the v2 sender needs one
                }
                return;
            }
            s.send(start(frames), 0);
            byte[] message = image(mode == Mode.V2_BSLZ4 ? compressed : pixels, mode == Mode.V2_BSLZ4);
            int idAt = idOffset(message);
            for (int f = 0; f < frames; f++) {
                // JeroMQ keeps the array it is given until the message is out: a fresh one per message
                byte[] m = message.clone();
                ByteBuffer.wrap(m).putLong(idAt, f); // image_id, a fixed-width (8-byte) CBOR unsigned integer
                s.send(m, 0);
            }
        }
    }

    private static final byte[] ID_KEY = {0x68, 'i', 'm', 'a', 'g', 'e', '_', 'i', 'd', 0x1b};

    private static int idOffset(byte[] message) {
        for (int i = 0; i + ID_KEY.length <= message.length; i++) {
            if (Arrays.equals(message, i, i + ID_KEY.length, ID_KEY, 0, ID_KEY.length)) {
                return i + ID_KEY.length;
            }
        }
        throw new IllegalStateException("image_id not found");
    }

    private static void text(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        o.write(0x60 + b.length); // texts here are shorter than 24 bytes
        o.writeBytes(b);
    }

    private static void uint16(ByteArrayOutputStream o, int v) {
        o.write(0x19);
        o.write(v >> 8);
        o.write(v & 0xff);
    }

    private static byte[] start(int frames) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7, (byte) 0xa5});
        text(o, "type");
        text(o, "start");
        text(o, "series_id");
        o.write(0x01);
        text(o, "image_size_x");
        uint16(o, W);
        text(o, "image_size_y");
        uint16(o, H);
        text(o, "number_of_images");
        o.write(0x1a);
        o.writeBytes(ByteBuffer.allocate(4).putInt(frames).array());
        return o.toByteArray();
    }

    /** An image message: {@code 55799({type, series_id, image_id (8 bytes), data: {threshold_1: 40([[H, W], 69(...)])}})}. */
    private static byte[] image(byte[] data, boolean bslz4) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0xd9, (byte) 0xd9, (byte) 0xf7, (byte) 0xa4});
        text(o, "type");
        text(o, "image");
        text(o, "series_id");
        o.write(0x01);
        o.writeBytes(ID_KEY);
        o.writeBytes(new byte[8]);
        text(o, "data");
        o.write(0xa1);
        text(o, "threshold_1");
        o.writeBytes(new byte[] {(byte) 0xd8, 40, (byte) 0x82, (byte) 0x82});
        uint16(o, H);
        uint16(o, W);
        o.writeBytes(new byte[] {(byte) 0xd8, 69});
        if (bslz4) {
            o.writeBytes(new byte[] {(byte) 0xd9, (byte) 0xdc, (byte) 0xb4, (byte) 0x83});
            text(o, "bslz4");
            o.write(0x02);
        }
        o.write(0x5a);
        o.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        o.writeBytes(data);
        return o.toByteArray();
    }
}
