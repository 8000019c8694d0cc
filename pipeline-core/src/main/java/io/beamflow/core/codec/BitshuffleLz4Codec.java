package io.beamflow.core.codec;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Bitshuffle + LZ4 in the chunk format of HDF5 filter 32008 (and the DECTRIS stream's {@code bslz4}
 * image encoding):
 *
 * <pre>
 * uint64 BE  total uncompressed bytes
 * uint32 BE  block size in bytes (block elements x element size)
 * per full block, then one last block of the remaining elements rounded down to a multiple of 8:
 *   uint32 BE  compressed length, then that many bytes of LZ4 block data (of the bitshuffled block)
 * the last (elements mod 8) x element size bytes, copied uncompressed
 * </pre>
 *
 * <p>Not thread-safe: an instance owns its scratch buffer; use one per thread.
 */
public final class BitshuffleLz4Codec {
    /** HDF5 filter id of bitshuffle. */
    public static final int HDF5_FILTER_ID = 32008;
    /** The {@code cd_values[4]} code for LZ4 compression. */
    public static final int HDF5_COMPRESSION_LZ4 = 2;
    /** Header length in bytes. */
    public static final int HEADER_BYTES = 12;
    private static final int TARGET_BLOCK_BYTES = 8192;
    private static final int MIN_BLOCK_ELEMENTS = 128;
    private static final int MAX_BLOCK_BYTES = 1 << 26;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private final LZ4Compressor compressor = LZ4.fastCompressor();
    private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    private byte[] scratch = new byte[0];

    /**
     * The block size the reference implementation picks when none is given: 8 KiB worth of elements,
     * a multiple of 8, at least 128.
     *
     * @param elementSize bytes per element
     * @return elements per block
     */
    public static int defaultBlockElements(int elementSize) {
        int n = TARGET_BLOCK_BYTES / elementSize;
        n -= n % 8;
        return Math.max(MIN_BLOCK_ELEMENTS, n);
    }

    /**
     * @param length      uncompressed bytes
     * @param elementSize bytes per element
     * @return an upper bound of the compressed size
     */
    public static int maxCompressedLength(int length, int elementSize) {
        int blockElements = defaultBlockElements(elementSize);
        int blockBytes = blockElements * elementSize;
        int blocks = length / blockBytes + 1;
        return HEADER_BYTES + blocks * (4 + LZ4.fastCompressor().maxCompressedLength(blockBytes)) + 8 * elementSize;
    }

    /**
     * An upper bound of the compressed size of {@code rawLength} bytes with any valid block size, without
     * overflow: what a record or message holding one compressed frame may declare at most.
     *
     * @param rawLength uncompressed bytes (non-negative)
     * @return the bound
     */
    public static long compressedLengthBound(long rawLength) {
        // per 8-element block at least (4-byte length + LZ4's worst case of n + n/255 + 16), plus the header
        return HEADER_BYTES + rawLength + rawLength / 255 + (rawLength / 8 + 1) * 20;
    }

    /**
     * Checks the structure of one compressed chunk without decompressing it, overflow-safe: the header's total
     * must be {@code expectedLength}, its block size a positive multiple of 8 elements of at most 64 MiB, every
     * block's compressed length must fit the data and LZ4's bound for the block, and the trailing uncompressed
     * bytes must be exactly the elements left over. LZ4 content errors are found only when decompressing.
     *
     * @param src            the data
     * @param offset         start of the header in {@code src}
     * @param length         bytes of data
     * @param expectedLength uncompressed bytes the frame's shape and type imply
     * @param elementSize    bytes per element
     * @return {@code null} when well formed, else what is wrong
     */
    public static String checkStructure(org.agrona.DirectBuffer src, int offset, int length, long expectedLength,
            int elementSize) {
        if (length < HEADER_BYTES) {
            return "bitshuffle/LZ4 data of " + length + " bytes is shorter than its 12-byte header";
        }
        long total = src.getLong(offset, java.nio.ByteOrder.BIG_ENDIAN);
        if (total != expectedLength) {
            return "bitshuffle/LZ4 header declares " + Long.toUnsignedString(total) + " bytes, shape and type imply "
                    + expectedLength;
        }
        if (elementSize <= 0 || expectedLength % elementSize != 0) {
            return "size " + expectedLength + " is not a multiple of element size " + elementSize;
        }
        long blockBytes = src.getInt(offset + 8, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFFFFFFL;
        if (blockBytes == 0 || blockBytes % elementSize != 0 || (blockBytes / elementSize) % 8 != 0
                || blockBytes > MAX_BLOCK_BYTES) {
            return "bitshuffle/LZ4 header declares an invalid block size of " + blockBytes + " bytes for "
                    + elementSize + "-byte elements";
        }
        long blockElements = blockBytes / elementSize;
        long elements = expectedLength / elementSize;
        long fullBlocks = elements / blockElements;
        long lastElements = elements % blockElements;
        lastElements -= lastElements % 8;
        long in = HEADER_BYTES;
        for (long b = 0; b <= fullBlocks; b++) {
            long bytes = b < fullBlocks ? blockBytes : lastElements * elementSize;
            if (bytes == 0) {
                break;
            }
            if (length - in < 4) {
                return "bitshuffle/LZ4 data ends at block " + b + " of " + (fullBlocks + (lastElements > 0 ? 1 : 0));
            }
            long n = src.getInt(offset + (int) in, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFFFFFFL;
            in += 4;
            if (n == 0 || n > length - in || n > bytes + bytes / 255 + 16) {
                return "bitshuffle/LZ4 block " + b + " declares " + n + " compressed bytes (" + (length - in)
                        + " left, " + bytes + " bytes uncompressed)";
            }
            in += n;
        }
        long leftover = (elements % 8) * elementSize; // block sizes are multiples of 8 elements
        if (length - in != leftover) {
            return "bitshuffle/LZ4 data has " + (length - in) + " bytes after its blocks, expected " + leftover;
        }
        return null;
    }

    /**
     * @param src    compressed data
     * @param offset start of the header
     * @return the uncompressed size the header declares (not trusted: check it against limits)
     */
    public static long uncompressedLength(byte[] src, int offset) {
        if (src.length - offset < HEADER_BYTES) {
            throw new CodecException("bitshuffle/LZ4 data shorter than its 12-byte header");
        }
        return readLong(src, offset);
    }

    /**
     * Compresses with the default block size.
     *
     * @param src         uncompressed bytes
     * @param off         offset in {@code src}
     * @param len         bytes, a multiple of {@code elementSize}
     * @param elementSize bytes per element (2 for uint16)
     * @param dst         output, at least {@link #maxCompressedLength} bytes from {@code dstOff}
     * @param dstOff      output offset
     * @return compressed bytes written
     */
    public int compress(byte[] src, int off, int len, int elementSize, byte[] dst, int dstOff) {
        if (len % elementSize != 0) {
            throw new IllegalArgumentException("length " + len + " is not a multiple of element size " + elementSize);
        }
        int blockElements = defaultBlockElements(elementSize);
        int blockBytes = blockElements * elementSize;
        ensureScratch(blockBytes);
        writeLong(dst, dstOff, len);
        writeInt(dst, dstOff + 8, blockBytes);
        int out = dstOff + HEADER_BYTES;
        int elements = len / elementSize;
        int in = off;
        int fullBlocks = elements / blockElements;
        for (int b = 0; b < fullBlocks; b++) {
            out = compressBlock(src, in, blockElements, elementSize, dst, out);
            in += blockBytes;
        }
        int lastElements = elements % blockElements;
        lastElements -= lastElements % 8;
        if (lastElements > 0) {
            out = compressBlock(src, in, lastElements, elementSize, dst, out);
            in += lastElements * elementSize;
        }
        int leftover = off + len - in;
        System.arraycopy(src, in, dst, out, leftover);
        return out + leftover - dstOff;
    }

    private int compressBlock(byte[] src, int in, int elements, int elementSize, byte[] dst, int out) {
        int bytes = elements * elementSize;
        Bitshuffle.shuffle(src, in, scratch, 0, elements, elementSize);
        int n = compressor.compress(scratch, 0, bytes, dst, out + 4, dst.length - out - 4);
        writeInt(dst, out, n);
        return out + 4 + n;
    }

    /**
     * Decompresses one chunk, checking every length against the input and the output space.
     *
     * @param src         compressed data
     * @param off         offset of the header
     * @param len         compressed bytes available
     * @param elementSize bytes per element
     * @param dst         output
     * @param dstOff      output offset
     * @return uncompressed bytes written
     * @throws CodecException when the data are malformed or larger than {@code dst} allows
     */
    public int decompress(byte[] src, int off, int len, int elementSize, byte[] dst, int dstOff) {
        if (len < HEADER_BYTES) {
            throw new CodecException("bitshuffle/LZ4 data shorter than its 12-byte header");
        }
        long total = readLong(src, off);
        long blockBytesDeclared = readInt(src, off + 8) & 0xFFFFFFFFL;
        if (total < 0 || total > dst.length - dstOff) {
            throw new CodecException("declared size " + total + " exceeds the " + (dst.length - dstOff)
                    + " bytes expected");
        }
        if (total % elementSize != 0) {
            throw new CodecException("declared size " + total + " is not a multiple of element size " + elementSize);
        }
        if (blockBytesDeclared == 0 || blockBytesDeclared % elementSize != 0
                || (blockBytesDeclared / elementSize) % 8 != 0 || blockBytesDeclared > MAX_BLOCK_BYTES) {
            throw new CodecException("invalid block size " + blockBytesDeclared);
        }
        int blockElements = (int) (blockBytesDeclared / elementSize);
        int blockBytes = (int) blockBytesDeclared;
        ensureScratch(blockBytes);
        int elements = (int) (total / elementSize);
        int in = off + HEADER_BYTES;
        int end = off + len;
        int out = dstOff;
        int fullBlocks = elements / blockElements;
        for (int b = 0; b < fullBlocks; b++) {
            in = decompressBlock(src, in, end, blockElements, elementSize, dst, out);
            out += blockBytes;
        }
        int lastElements = elements % blockElements;
        lastElements -= lastElements % 8;
        if (lastElements > 0) {
            in = decompressBlock(src, in, end, lastElements, elementSize, dst, out);
            out += lastElements * elementSize;
        }
        int leftover = (int) (dstOff + total - out);
        if (end - in != leftover) {
            throw new CodecException("expected " + leftover + " trailing raw bytes, found " + (end - in));
        }
        System.arraycopy(src, in, dst, out, leftover);
        return (int) total;
    }

    private int decompressBlock(byte[] src, int in, int end, int elements, int elementSize, byte[] dst, int out) {
        if (end - in < 4) {
            throw new CodecException("truncated block header");
        }
        int compressed = readInt(src, in);
        in += 4;
        if (compressed < 0 || compressed > end - in) {
            throw new CodecException("block length " + compressed + " exceeds the remaining " + (end - in) + " bytes");
        }
        int bytes = elements * elementSize;
        int n;
        try {
            n = decompressor.decompress(src, in, compressed, scratch, 0, bytes);
        } catch (LZ4Exception e) {
            throw new CodecException("corrupt LZ4 block: " + e.getMessage());
        }
        if (n != bytes) {
            throw new CodecException("LZ4 block decoded to " + n + " bytes, expected " + bytes);
        }
        Bitshuffle.unshuffle(scratch, 0, dst, out, elements, elementSize);
        return in + compressed;
    }

    private void ensureScratch(int bytes) {
        if (scratch.length < bytes) {
            scratch = new byte[bytes];
        }
    }

    private static void writeLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFFL);
        }
        return v;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
