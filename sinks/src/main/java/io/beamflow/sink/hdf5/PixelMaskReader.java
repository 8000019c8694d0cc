package io.beamflow.sink.hdf5;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a pixel mask file (DECTRIS bit meanings, unsigned 32-bit values) of a given image size: NumPy {@code .npy}
 * (integer or boolean dtypes, either order), TIFF (baseline, uncompressed strips, one sample of 8, 16 or 32 bits) or
 * HDF5 (a 2-D integer dataset, read with jhdf). The file is configuration, so it is checked, not trusted: its
 * dimensions must be the image's, values negative or above 32 bits are refused, sizes are checked against the file
 * length before anything is allocated; every refusal is an {@link IOException} that says what is wrong.
 */
final class PixelMaskReader {
    /** Largest mask file read (a 16M-pixel detector's mask of 64-bit values is 128 MiB). */
    static final long MAX_FILE_BYTES = 512L << 20;
    private static final Pattern NPY_DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern NPY_ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

    private PixelMaskReader() {
    }

    /**
     * @param file    the mask file; its format by its name ({@code .npy}, {@code .tif}/{@code .tiff}, else HDF5)
     * @param dataset the dataset in an HDF5 file
     * @param width   image columns
     * @param height  image rows
     * @return {@code width * height} values, row-major
     * @throws IOException when the file is missing, unreadable, of another size or of unsupported content
     */
    static int[] read(Path file, String dataset, int width, int height) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("pixel mask file " + file + " does not exist");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("pixel mask file " + file + " has " + size + " bytes, more than " + MAX_FILE_BYTES);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return npy(file, width, height);
        }
        if (name.endsWith(".tif") || name.endsWith(".tiff")) {
            return tiff(file, width, height);
        }
        return hdf5(file, dataset, width, height);
    }

    private static IOException wrongSize(Path file, long w, long h, int width, int height) {
        return new IOException("pixel mask " + file + " is " + w + "x" + h + " (width x height), the image "
                + width + "x" + height);
    }

    private static int checked(Path file, long v) throws IOException {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IOException("pixel mask " + file + " has the value " + v + ", not an unsigned 32-bit mask value");
        }
        return (int) v;
    }

    static int[] npy(Path file, int width, int height) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        if (b.remaining() >= 10) {
            b.get(magic);
        }
        if (!Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
            throw new IOException(file + " is not a NumPy .npy file");
        }
        int major = b.get() & 0xff;
        b.get();
        long headerLength = major == 1 ? b.getShort() & 0xffff : b.getInt() & 0xffff_ffffL;
        if (headerLength > b.remaining()) {
            throw new IOException(file + ": NumPy header of " + headerLength + " bytes is longer than the file");
        }
        byte[] h = new byte[(int) headerLength];
        b.get(h);
        String header = new String(h, StandardCharsets.ISO_8859_1);
        Matcher descr = NPY_DESCR.matcher(header);
        Matcher order = NPY_ORDER.matcher(header);
        Matcher shape = NPY_SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shape.find()) {
            throw new IOException(file + ": NumPy header without a 2-D integer array: " + header.strip());
        }
        char kind = descr.group(2).charAt(0);
        int bytes = Integer.parseInt(descr.group(3));
        if (descr.group(1).equals(">") && bytes > 1) {
            throw new IOException(file + ": big-endian NumPy arrays are not supported");
        }
        if (!(kind == 'b' || kind == 'i' || kind == 'u') || !(bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8)
                || kind == 'b' && bytes != 1) {
            throw new IOException(file + ": NumPy dtype " + descr.group() + " is not an integer mask type");
        }
        long rows = Long.parseLong(shape.group(1));
        long cols = Long.parseLong(shape.group(2));
        if (rows != height || cols != width) {
            throw wrongSize(file, cols, rows, width, height);
        }
        long n = (long) width * height;
        if (n * bytes > b.remaining()) {
            throw new IOException(file + ": " + b.remaining() + " data bytes, a " + width + "x" + height + " array of "
                    + bytes + "-byte values needs " + n * bytes);
        }
        boolean fortran = order.group(1).equals("True");
        int[] out = new int[(int) n];
        int base = b.position();
        for (int i = 0; i < n; i++) {
            int at = base + i * bytes;
            long v = switch (bytes) {
                case 1 -> kind == 'i' ? b.get(at) : b.get(at) & 0xff;
                case 2 -> kind == 'i' ? b.getShort(at) : b.getShort(at) & 0xffff;
                case 4 -> kind == 'i' ? b.getInt(at) : b.getInt(at) & 0xffff_ffffL;
                default -> {
                    long x = b.getLong(at);
                    if (kind == 'u' && x < 0) {
                        throw new IOException("pixel mask " + file + " has a value above 2^63");
                    }
                    yield x;
                }
            };
            // C order: element i is (row i / width, column i % width); Fortran order: (i % height, i / height)
            int index = fortran ? (i % height) * width + i / height : i;
            out[index] = checked(file, v);
        }
        return out;
    }

    static int[] tiff(Path file, int width, int height) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        if (b.remaining() < 8) {
            throw new IOException(file + " is not a TIFF file");
        }
        if (b.get(0) == 'I' && b.get(1) == 'I') {
            b.order(ByteOrder.LITTLE_ENDIAN);
        } else if (b.get(0) == 'M' && b.get(1) == 'M') {
            b.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw new IOException(file + " is not a TIFF file");
        }
        if (b.getShort(2) != 42) {
            throw new IOException(file + " is not a classic TIFF file (BigTIFF is not supported)");
        }
        long ifd = b.getInt(4) & 0xffff_ffffL;
        if (ifd + 2 > b.limit()) {
            throw new IOException(file + ": TIFF directory outside the file");
        }
        int entries = b.getShort((int) ifd) & 0xffff;
        if (ifd + 2 + 12L * entries > b.limit()) {
            throw new IOException(file + ": TIFF directory outside the file");
        }
        long w = -1;
        long h = -1;
        int bits = 1;
        int compression = 1;
        int samples = 1;
        int format = 1;
        long rowsPerStrip = Long.MAX_VALUE;
        long[] offsets = null;
        long[] counts = null;
        for (int e = 0; e < entries; e++) {
            int at = (int) ifd + 2 + 12 * e;
            int tag = b.getShort(at) & 0xffff;
            long[] values = tiffValues(b, at, file);
            switch (tag) {
                case 256 -> w = values[0];
                case 257 -> h = values[0];
                case 258 -> bits = (int) values[0];
                case 259 -> compression = (int) values[0];
                case 277 -> samples = (int) values[0];
                case 273 -> offsets = values;
                case 278 -> rowsPerStrip = values[0];
                case 279 -> counts = values;
                case 322, 323 -> throw new IOException(file + ": tiled TIFF files are not supported");
                case 339 -> format = (int) values[0];
                default -> {
                    // other tags do not change how the pixels are read
                }
            }
        }
        if (w != width || h != height) {
            throw wrongSize(file, w, h, width, height);
        }
        if (compression != 1 || samples != 1 || !(bits == 8 || bits == 16 || bits == 32) || format > 2
                || offsets == null || counts == null || offsets.length != counts.length) {
            throw new IOException(file + ": TIFF of " + samples + " sample(s) of " + bits + " bits, sample format "
                    + format + ", compression " + compression + ": only uncompressed single-sample 8/16/32-bit integer"
                    + " strips are supported");
        }
        int bytes = bits / 8;
        long rowBytes = (long) width * bytes;
        int[] out = new int[width * height];
        long row = 0;
        for (int s = 0; s < offsets.length && row < height; s++) {
            long rows = Math.min(rowsPerStrip, height - row);
            if (offsets[s] < 0 || counts[s] < rows * rowBytes || offsets[s] + rows * rowBytes > b.limit()) {
                throw new IOException(file + ": TIFF strip " + s + " lies outside the file or is too short");
            }
            for (long i = 0; i < rows * width; i++) {
                int at = (int) (offsets[s] + i * bytes);
                long v = switch (bytes) {
                    case 1 -> format == 2 ? b.get(at) : b.get(at) & 0xff;
                    case 2 -> format == 2 ? b.getShort(at) : b.getShort(at) & 0xffff;
                    default -> format == 2 ? b.getInt(at) : b.getInt(at) & 0xffff_ffffL;
                };
                out[(int) (row * width + i)] = checked(file, v);
            }
            row += rows;
        }
        if (row < height) {
            throw new IOException(file + ": TIFF strips hold " + row + " of " + height + " rows");
        }
        return out;
    }

    /** Values of an IFD entry of type SHORT or LONG (inline or at their offset). */
    private static long[] tiffValues(ByteBuffer b, int at, Path file) throws IOException {
        int type = b.getShort(at + 2) & 0xffff;
        long count = b.getInt(at + 4) & 0xffff_ffffL;
        int size = type == 3 ? 2 : type == 4 ? 4 : 0;
        if (size == 0) {
            return new long[] {0}; // a type this reader does not need (rationals, text)
        }
        if (count > b.limit() / size) {
            throw new IOException(file + ": TIFF entry with " + count + " values");
        }
        long start = count * size <= 4 ? at + 8 : b.getInt(at + 8) & 0xffff_ffffL;
        if (start + count * size > b.limit()) {
            throw new IOException(file + ": TIFF entry values outside the file");
        }
        long[] v = new long[(int) Math.max(1, count)];
        for (int i = 0; i < count; i++) {
            int p = (int) start + i * size;
            v[i] = size == 2 ? b.getShort(p) & 0xffff : b.getInt(p) & 0xffff_ffffL;
        }
        return v;
    }

    static int[] hdf5(Path file, String dataset, int width, int height) throws IOException {
        try (HdfFile hdf = new HdfFile(file)) {
            Dataset d = hdf.getDatasetByPath(dataset);
            int[] dims = d.getDimensions();
            if (dims.length != 2) {
                throw new IOException(file + ":" + dataset + " has " + dims.length + " dimensions, a mask 2");
            }
            if (dims[0] != height || dims[1] != width) {
                throw wrongSize(file, dims[1], dims[0], width, height);
            }
            Object flat = d.getDataFlat();
            int n = Array.getLength(flat);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                Object v = Array.get(flat, i);
                if (v instanceof Boolean bool) {
                    out[i] = bool ? 1 : 0;
                } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    out[i] = checked(file, ((Number) v).longValue());
                } else if (v instanceof java.math.BigInteger big) {
                    out[i] = checked(file, big.bitLength() > 63 ? -1 : big.longValue());
                } else {
                    throw new IOException(file + ":" + dataset + " holds " + v.getClass().getSimpleName()
                            + " values, a mask integers");
                }
            }
            return out;
        } catch (io.jhdf.exceptions.HdfException e) {
            throw new IOException("cannot read the pixel mask " + file + ":" + dataset + ": " + e.getMessage(), e);
        }
    }
}
