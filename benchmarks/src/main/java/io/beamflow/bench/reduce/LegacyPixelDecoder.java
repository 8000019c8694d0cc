package io.beamflow.bench.reduce;

import io.beamflow.core.frame.PixelType;

/** Converts little-endian detector pixels of any supported type to floats. */
final class LegacyPixelDecoder {
    private LegacyPixelDecoder() {
    }

    /**
     * @param bytes little-endian pixels
     * @param type  pixel type
     * @param out   destination, at least {@code bytes.length / type.bytes()} long
     */
    public static void decode(byte[] bytes, PixelType type, float[] out) {
        int n = bytes.length / type.bytes();
        switch (type) {
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = bytes[i] & 0xFF;
                }
            }
            case UINT16 -> {
                for (int i = 0, j = 0; i < n; i++, j += 2) {
                    out[i] = (bytes[j] & 0xFF) | (bytes[j + 1] & 0xFF) << 8;
                }
            }
            case UINT32 -> {
                for (int i = 0, j = 0; i < n; i++, j += 4) {
                    out[i] = (float) (int32(bytes, j) & 0xFFFFFFFFL);
                }
            }
            case INT32 -> {
                for (int i = 0, j = 0; i < n; i++, j += 4) {
                    out[i] = int32(bytes, j);
                }
            }
            case FLOAT32 -> {
                for (int i = 0, j = 0; i < n; i++, j += 4) {
                    out[i] = Float.intBitsToFloat(int32(bytes, j));
                }
            }
            default -> throw new IllegalArgumentException("unsupported pixel type " + type);
        }
    }

    private static int int32(byte[] b, int j) {
        return (b[j] & 0xFF) | (b[j + 1] & 0xFF) << 8 | (b[j + 2] & 0xFF) << 16 | (b[j + 3] & 0xFF) << 24;
    }

    /**
     * @param type pixel type
     * @return the largest value the type can hold (the default saturation level)
     */
    public static double maxValue(PixelType type) {
        return switch (type) {
            case UINT8 -> 255;
            case UINT16 -> 65535;
            case UINT32 -> 4294967295.0;
            case INT32 -> Integer.MAX_VALUE;
            case FLOAT32 -> Float.MAX_VALUE;
        };
    }
}
