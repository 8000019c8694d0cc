package io.beamflow.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/** The copy loop of the archive: copies a stream while checksumming, throttling and reporting progress. */
public final class StreamCopier {
    static final int BUFFER_BYTES = 1 << 20;

    private StreamCopier() {
    }

    /**
     * Copies {@code in} to {@code out} (or only reads it when {@code out} is null).
     *
     * @return bytes copied
     */
    public static long copy(InputStream in, OutputStream out, ChecksumAccumulator sums, Throttle throttle,
            LongConsumer progress) throws IOException {
        InputStream src = new TransferInputStream(in, sums, throttle, progress);
        byte[] buf = new byte[BUFFER_BYTES];
        long total = 0;
        int n;
        while ((n = src.readNBytes(buf, 0, buf.length)) > 0) {
            if (out != null) {
                out.write(buf, 0, n);
            }
            total += n;
        }
        return total;
    }
}
