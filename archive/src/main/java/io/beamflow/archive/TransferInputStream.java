package io.beamflow.archive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/** An input stream that checksums, throttles and reports progress for every byte read through it. */
public final class TransferInputStream extends FilterInputStream {
    private final ChecksumAccumulator sums;
    private final Throttle throttle;
    private final LongConsumer progress;

    /** @param in source @param sums checksums to update @param throttle transfer limit @param progress called with bytes read */
    public TransferInputStream(InputStream in, ChecksumAccumulator sums, Throttle throttle, LongConsumer progress) {
        super(in);
        this.sums = sums;
        this.throttle = throttle;
        this.progress = progress;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sums.update(b, off, n);
            throttle.acquire(n);
            progress.accept(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported on a checksummed transfer");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
