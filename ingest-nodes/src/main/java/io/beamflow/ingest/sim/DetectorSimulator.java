package io.beamflow.ingest.sim;

import io.beamflow.core.config.SimulatorConfig;
import io.beamflow.core.frame.FrameHeader;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulatedFrame;
import io.beamflow.core.sim.SimulationParameters;
import io.beamflow.core.wire.MessageType;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.core.wire.ZmqHandshake;
import io.beamflow.ingest.receive.ReceiveSockets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A simulated detector speaking the native protocol over ZeroMQ PUSH: a series start with metadata,
 * {@code frames} frames synthesized by {@link FrameSynthesizer} (Poisson background, beam-stop
 * shadow, rings, a fraction of hit frames with Bragg-like spots), optionally split by rows into
 * module parts sent to one endpoint each, and a series end. Frames are deterministic for a seed and
 * frame number, so a test can regenerate what was sent.
 */
public final class DetectorSimulator implements AutoCloseable {
    /** Default linger: how long {@link #close()} waits for queued frames to be delivered. */
    public static final int LINGER_MS = 30_000;

    private final Settings settings;
    private final FrameSynthesizer synthesizer;
    private final ZContext context = new ZContext(1);
    {
        context.setLinger(LINGER_MS);
    }
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[NativeHeaderFlyweight.FIXED_LENGTH
            + FrameHeader.MAX_SERIES_ID_LENGTH]);

    /**
     * What to simulate.
     *
     * @param endpoints   endpoints to connect to ({@code @} prefix: bind); module m goes to endpoint m % size
     * @param seriesId    series id
     * @param frames      frames in the series
     * @param width       frame width (pixels)
     * @param height      frame height (rows); split evenly into module parts
     * @param rateHz      frames per second, 0 for as fast as possible
     * @param hitFraction fraction of hit frames
     * @param modules     number of modules (row bands)
     * @param seed        random seed
     */
    public record Settings(List<String> endpoints, String seriesId, int frames, int width, int height, double rateHz,
            double hitFraction, int modules, long seed) {
        /** Checks the settings. */
        public Settings {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("no endpoint");
            }
            if (!FrameHeader.isValidSeriesId(seriesId)) {
                throw new IllegalArgumentException("invalid series id '" + seriesId + "'");
            }
            if (frames < 0 || width <= 0 || height <= 0 || modules <= 0 || modules > height || rateHz < 0) {
                throw new IllegalArgumentException("invalid simulator settings: frames " + frames + ", " + width
                        + "x" + height + ", modules " + modules + ", rate " + rateHz);
            }
        }

        /**
         * @param c simulator section of the configuration
         * @return settings with one endpoint
         */
        public static Settings from(SimulatorConfig c) {
            return new Settings(List.of(c.endpoint), c.seriesId, c.frames, c.width, c.height, c.rateHz,
                    c.hitFraction, c.modules, c.seed);
        }

        /** @return the synthesizer parameters these settings imply */
        public SimulationParameters parameters() {
            return SimulationParameters.defaults(width, height).withHitFraction(hitFraction).withSeed(seed);
        }
    }

    /**
     * What was sent.
     *
     * @param frames      frames sent (each as {@code modules} parts)
     * @param hits        frames with injected spots
     * @param bytes       payload bytes sent
     * @param elapsedNs   time from the series start to the series end
     */
    public record Result(long frames, long hits, long bytes, long elapsedNs) {
        /** @return achieved frame rate */
        public double framesPerSecond() {
            return elapsedNs == 0 ? 0 : frames * 1e9 / elapsedNs;
        }
    }

    /**
     * Connects (or binds) the sockets.
     *
     * @param settings what to simulate
     */
    public DetectorSimulator(Settings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.synthesizer = new FrameSynthesizer(settings.parameters());
        for (String endpoint : settings.endpoints()) {
            ZMQ.Socket s = context.createSocket(SocketType.PUSH);
            s.setLinger(LINGER_MS);
            s.setSndHWM(100);
            s.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS);
            if (endpoint.startsWith("@")) {
                s.bind(ReceiveSockets.address(endpoint));
            } else {
                s.connect(ReceiveSockets.address(endpoint));
            }
            sockets.add(s);
        }
    }

    /**
     * Rows of module {@code m} when {@code height} rows are split into {@code modules} bands (the first
     * {@code height % modules} bands get one extra row).
     *
     * @return {first row, row count}
     */
    public static int[] moduleRows(int height, int modules, int m) {
        int base = height / modules;
        int extra = height % modules;
        int first = m * base + Math.min(m, extra);
        return new int[] {first, base + (m < extra ? 1 : 0)};
    }

    /**
     * Sends the whole series (blocking; at most as fast as the configured rate).
     *
     * @return what was sent
     */
    public Result run() {
        long start = System.nanoTime();
        sendSeriesStart();
        Result frames = sendFrames(() -> false, n -> { });
        sendSeriesEnd(frames.frames());
        return new Result(frames.frames(), frames.hits(), frames.bytes(), System.nanoTime() - start);
    }

    /**
     * Sends the series' frames in order, at most as fast as the configured rate, until all are sent or
     * {@code stop} says so; sends neither the series start nor its end.
     *
     * @param stop        checked before each frame
     * @param onFrameSent called with the number of frames sent so far after each frame
     * @return what was sent
     */
    public Result sendFrames(BooleanSupplier stop, LongConsumer onFrameSent) {
        long start = System.nanoTime();
        long sentFrames = 0;
        long hits = 0;
        long bytes = 0;
        double periodNs = settings.rateHz() > 0 ? 1e9 / settings.rateHz() : 0;
        // Synthesis of frame n+1 overlaps the sending of frame n.
        ExecutorService synth = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "simulator-synth");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<SimulatedFrame> next = settings.frames() > 0 ? synth.submit(() -> synthesizer.frame(0)) : null;
            for (int n = 0; n < settings.frames() && !stop.getAsBoolean(); n++) {
                SimulatedFrame frame = next.get();
                final int following = n + 1;
                next = following < settings.frames() ? synth.submit(() -> synthesizer.frame(following)) : null;
                if (periodNs > 0) {
                    long due = start + (long) (n * periodNs);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                hits += frame.hit() ? 1 : 0;
                bytes += sendFrame(n, FrameSynthesizer.toLittleEndianBytes(frame));
                sentFrames++;
                onFrameSent.accept(sentFrames);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulator interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("frame synthesis failed", e.getCause());
        } finally {
            synth.shutdownNow();
        }
        return new Result(sentFrames, hits, bytes, System.nanoTime() - start);
    }

    /**
     * Sends one frame (split into module parts) with the given pixels.
     *
     * @param frameNumber frame number
     * @param pixels      little-endian uint16 pixels of the whole frame
     * @return payload bytes sent
     */
    public long sendFrame(long frameNumber, byte[] pixels) {
        int w = settings.width();
        int m = settings.modules();
        long acqNs = epochNanos();
        long sent = 0;
        for (int i = 0; i < m; i++) {
            int[] rows = moduleRows(settings.height(), m, i);
            byte[] part = pixels;
            if (m > 1) {
                int len = rows[1] * w * 2;
                part = new byte[len];
                System.arraycopy(pixels, rows[0] * w * 2, part, 0, len);
            }
            int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.FRAME, settings.seriesId(), frameNumber, i, m,
                    w, rows[1], PixelType.UINT16, acqNs, 0, part.length);
            ZMQ.Socket s = socketOf(i);
            s.send(header.byteArray(), 0, hl, ZMQ.SNDMORE);
            s.send(part, 0);
            sent += part.length;
        }
        return sent;
    }

    /** Sends the series-start message (with metadata JSON) to every endpoint. */
    public void sendSeriesStart() {
        SimulationParameters p = settings.parameters();
        String json = String.format(Locale.ROOT, "{\"source\":\"beamflow-simulator\",\"detector_description\":"
                + "\"Beamflow simulated detector\",\"width\":%d,\"height\":%d,\"pixel_type\":\"uint16\",\"frames\":%d,"
                + "\"modules\":%d,\"x_pixel_size\":7.5e-5,\"y_pixel_size\":7.5e-5,\"beam_center_x\":%.3f,"
                + "\"beam_center_y\":%.3f,\"detector_distance\":0.12,\"wavelength\":1.0e-10,\"count_time\":%s,"
                + "\"hit_fraction\":%s,\"seed\":%d}", settings.width(), settings.height(), settings.frames(),
                settings.modules(), p.beamCenterX(), p.beamCenterY(),
                settings.rateHz() > 0 ? Double.toString(1.0 / settings.rateHz()) : "null",
                Double.toString(settings.hitFraction()), settings.seed());
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        for (ZMQ.Socket s : sockets) {
            int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_START, settings.seriesId(), 0, 0,
                    settings.modules(), settings.width(), settings.height(), PixelType.UINT16, epochNanos(), 0,
                    body.length);
            s.send(header.byteArray(), 0, hl, ZMQ.SNDMORE);
            s.send(body, 0);
        }
    }

    /**
     * Sends the series-end message to every endpoint.
     *
     * @param framesSent frame count reported to the node
     */
    public void sendSeriesEnd(long framesSent) {
        for (ZMQ.Socket s : sockets) {
            int hl = NativeHeaderFlyweight.encode(header, 0, MessageType.SERIES_END, settings.seriesId(), 0, 0,
                    settings.modules(), settings.width(), settings.height(), PixelType.UINT16, epochNanos(), 0,
                    framesSent);
            s.send(header.byteArray(), 0, hl, 0);
        }
    }

    private ZMQ.Socket socketOf(int module) {
        return sockets.get(module % sockets.size());
    }

    private static long epochNanos() {
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    }

    /** @return the settings */
    public Settings settings() {
        return settings;
    }

    /** @return the synthesizer (tests regenerate frames with it) */
    public FrameSynthesizer synthesizer() {
        return synthesizer;
    }

    /** Closes the sockets, waiting up to {@link #LINGER_MS} for queued frames to be delivered. */
    @Override
    public void close() {
        context.close();
    }
}
