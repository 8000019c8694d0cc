package io.beamflow.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.frame.PixelType;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Native headers with hostile field values (edge integers, wrapped products, truncation, random bytes):
 * validation never throws, and every FRAME header it accepts declares a payload that really is
 * width x height x pixel size (computed without overflow) and within the frame limit.
 */
class NativeHeaderFuzzTest {
    private static final WireLimits LIMITS = new WireLimits(4096, 1 << 20);
    private static final long[] EDGES = {0, 1, -1, 2, 64, 1024, 46341, 65535, 65536, Integer.MAX_VALUE,
        Integer.MIN_VALUE, Integer.MAX_VALUE / 2 + 1};

    private static long edge(SplittableRandom rnd) {
        return EDGES[rnd.nextInt(EDGES.length)];
    }

    @Test
    void shouldAcceptOnlyFramesWhoseDeclaredSizeIsTheirTrueSizeWithinTheLimit() {
        SplittableRandom rnd = new SplittableRandom(20261125L);
        UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        NativeHeaderFlyweight f = new NativeHeaderFlyweight();
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            int w = (int) edge(rnd);
            int h = (int) edge(rnd);
            PixelType type = PixelType.values()[rnd.nextInt(PixelType.values().length)];
            long declared = switch (rnd.nextInt(4)) {
                case 0 -> (long) w * h * type.bytes(); // may wrap, as a careless sender computes it
                case 1 -> edge(rnd);
                case 2 -> Long.MIN_VALUE + rnd.nextInt(3);
                default -> rnd.nextLong();
            };
            int n = NativeHeaderFlyweight.encode(b, 0, MessageType.FRAME, "s" + (i % 7), rnd.nextInt(3) - 1L, 0,
                    1, w, h, type, 0, 0, declared);
            int length = rnd.nextInt(8) == 0 ? rnd.nextInt(n + 1) : n;
            if (rnd.nextInt(16) == 0) {
                b.putByte(rnd.nextInt(n), (byte) rnd.nextInt(256));
            }
            RejectReason r = f.wrap(b, 0, length) ? f.validate(LIMITS) : RejectReason.TRUNCATED_HEADER;
            if (r == null && f.messageType() == MessageType.FRAME) {
                accepted++;
                BigInteger truth = BigInteger.valueOf(f.width()).multiply(BigInteger.valueOf(f.height()))
                        .multiply(BigInteger.valueOf(PixelType.fromCode(f.pixelTypeCode()).bytes()));
                assertEquals(truth, BigInteger.valueOf(f.payloadLength()), "accepted header " + i);
                assertTrue(f.payloadLength() <= LIMITS.maxFrameBytes() && f.frameNumber() >= 0, "header " + i);
            }
        }
        assertTrue(accepted > 100, "some headers are valid: " + accepted);
    }

    @Test
    void shouldComputeFrameBytesWithoutOverflowForEveryEdgeCombination() {
        for (long w : EDGES) {
            for (long h : EDGES) {
                for (int bytes : new int[] {1, 2, 4, 8}) {
                    long got = LIMITS.frameBytes(w, h, bytes);
                    BigInteger truth = BigInteger.valueOf(w).multiply(BigInteger.valueOf(h))
                            .multiply(BigInteger.valueOf(bytes));
                    boolean fits = w > 0 && h > 0 && truth.compareTo(BigInteger.valueOf(LIMITS.maxFrameBytes())) <= 0;
                    assertEquals(fits ? truth.longValueExact() : -1, got, w + " x " + h + " x " + bytes);
                }
            }
        }
    }
}
