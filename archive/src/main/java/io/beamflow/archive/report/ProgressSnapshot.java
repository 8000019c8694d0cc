package io.beamflow.archive.report;

import java.util.Locale;

/**
 * Progress of a long transfer.
 *
 * @param doneFiles    files finished
 * @param totalFiles   files planned
 * @param doneBytes    bytes transferred
 * @param totalBytes   bytes planned
 * @param elapsedNanos time since the start
 */
public record ProgressSnapshot(long doneFiles, long totalFiles, long doneBytes, long totalBytes, long elapsedNanos) {
    /** @return mean rate in bytes per second since the start (0 before any time elapsed) */
    public double rateBytesPerSecond() {
        return elapsedNanos <= 0 ? 0 : doneBytes * 1e9 / elapsedNanos;
    }

    /** @return estimated seconds to completion, or -1 when unknown */
    public long etaSeconds() {
        double rate = rateBytesPerSecond();
        if (rate <= 0) {
            return -1;
        }
        return (long) Math.ceil(Math.max(0, totalBytes - doneBytes) / rate);
    }

    /** @return one human-readable line: files, bytes, rate, ETA */
    public String format() {
        long eta = etaSeconds();
        String etaText = eta < 0 ? "--:--:--" : String.format(Locale.ROOT, "%02d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60);
        int pct = totalBytes == 0 ? 100 : (int) (100 * doneBytes / totalBytes);
        return String.format(Locale.ROOT, "%d/%d files  %s/%s (%d%%)  %s/s  ETA %s", doneFiles, totalFiles,
                bytes(doneBytes), bytes(totalBytes), pct, bytes((long) rateBytesPerSecond()), etaText);
    }

    /**
     * @param n bytes
     * @return size with a binary unit, e.g. {@code 1.5 GiB}
     */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
