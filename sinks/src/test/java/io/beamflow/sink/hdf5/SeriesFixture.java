package io.beamflow.sink.hdf5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.frame.PixelType;
import io.beamflow.core.result.Decision;
import io.beamflow.core.result.FrameResult;
import io.beamflow.testing.DebianPython;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Deterministic frame results for sink tests, and the h5py check of what was written. */
final class SeriesFixture {
    static final int WIDTH = 64;
    static final int HEIGHT = 48;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SeriesFixture() {
    }

    /** Decision of frame n: every 3rd frame vetoed, every 5th reduced-only, else kept. */
    static Decision decision(long n) {
        return n % 3 == 0 ? Decision.VETO : n % 5 == 0 ? Decision.REDUCED_ONLY : Decision.KEEP;
    }

    static byte[] pixels(long n) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(n);
        byte[] b = new byte[WIDTH * HEIGHT * 2];
        for (int i = 0; i < WIDTH * HEIGHT; i++) {
            int v = rnd.nextInt(8) + (rnd.nextInt(500) == 0 ? rnd.nextInt(65536) : 0);
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >>> 8);
        }
        return b;
    }

    static FrameResult frame(String series, long n) {
        FrameResult r = new FrameResult();
        r.kind = FrameResult.Kind.FRAME;
        r.seriesId = series;
        r.frameNumber = n;
        r.width = WIDTH;
        r.height = HEIGHT;
        r.pixelType = PixelType.UINT16;
        r.acquisitionTimeNs = 1_700_000_000_000_000_000L + n * 1_000_000L;
        r.decision = decision(n);
        r.ruleName = r.decision == Decision.KEEP ? "" : "veto-dark";
        r.ruleVersion = n < 4 ? 1 : 2;
        r.pixels = r.decision == Decision.KEEP ? pixels(n) : null;
        r.features.sum = n * 10.5;
        r.features.max = n;
        r.features.roiSums.put("beamstop", n * 1.0);
        r.features.roiSums.put("ring", n * 2.0);
        r.features.radialProfile = new float[] {n, n + 0.5f, n + 1f};
        int peaks = (int) (n % 4);
        r.features.peakX = new float[peaks];
        r.features.peakY = new float[peaks];
        r.features.peakIntensity = new float[peaks];
        for (int i = 0; i < peaks; i++) {
            r.features.peakX[i] = n * 100 + i;
            r.features.peakY[i] = i;
            r.features.peakIntensity[i] = 1000 + i;
        }
        return r;
    }

    static List<FrameResult> series(String series, int frames) {
        List<FrameResult> out = new ArrayList<>();
        out.add(FrameResult.seriesStart(series, "{\"detector_distance\": 0.25, \"radial_axis\": [0.1, 0.2, 0.3]}"));
        for (int n = 1; n <= frames; n++) {
            out.add(frame(series, n));
        }
        out.add(FrameResult.seriesEnd(series, frames));
        return out;
    }

    static String sha1(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a master file (and its data files) with h5py + hdf5plugin. */
    static JsonNode readWithH5py(Path master) throws IOException {
        String script;
        try (InputStream in = SeriesFixture.class.getResourceAsStream("/verify_series.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return JSON.readTree(DebianPython.run(script, 300, master.toString()).orThrow());
    }

    /** Runs h5dump and returns its output; fails on a non-zero exit. */
    static String h5dump(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("h5dump");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("h5dump timed out");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("h5dump " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }
}
