package io.beamflow.archive.report;

import java.io.PrintStream;

/** Shows progress as one line rewritten with a carriage return on an interactive terminal. */
public final class ConsoleProgressReporter implements ProgressReporter {
    private final PrintStream out;
    private final long intervalNanos;
    private long lastNanos = Long.MIN_VALUE;
    private int lastWidth;

    /**
     * @param out        the terminal
     * @param intervalMs minimum time between redraws
     */
    public ConsoleProgressReporter(PrintStream out, long intervalMs) {
        this.out = out;
        this.intervalNanos = intervalMs * 1_000_000L;
    }

    @Override
    public synchronized void update(ProgressSnapshot s) {
        long now = System.nanoTime();
        if (lastNanos != Long.MIN_VALUE && now - lastNanos < intervalNanos) {
            return;
        }
        lastNanos = now;
        draw(s);
    }

    private void draw(ProgressSnapshot s) {
        String line = s.format();
        StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastWidth; i++) {
            sb.append(' ');
        }
        lastWidth = line.length();
        out.print(sb);
        out.flush();
    }

    @Override
    public synchronized void finish(ProgressSnapshot s) {
        draw(s);
        out.println();
        out.flush();
    }
}
