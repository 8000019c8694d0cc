package io.beamflow.sink.hdf5;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A streaming HDF5 file writer: raw data (chunks, contiguous arrays) is appended to the file as it
 * arrives; the metadata (object headers, chunk indexes, attributes, links) is written once at
 * {@link #close()}, followed by the superblock at offset 0.
 *
 * <p>Format written: superblock version 2, version-2 object headers with compact link storage
 * (hard and external links), datasets with data layout message version 3 (contiguous, or chunked with
 * a version-1 B-tree chunk index, the index every HDF5 reader understands) and an optional filter
 * pipeline (deflate or bitshuffle+LZ4), virtual datasets (layout message version 4, see
 * {@link VirtualDatasetEncoder}), strings null-terminated ASCII. Readable by libhdf5 1.10+ (h5py, h5dump,
 * DIALS, XDS plugins).
 *
 * <p>Memory: the metadata tree, one partly filled chunk per chunked dataset, and 12 bytes per
 * written chunk for the chunk index. Frame data never stays in memory.
 *
 * <p>Checkpointing: {@link #snapshot()} forces the data written so far to disk and returns the writer
 * state; {@link #resume(byte[])} reopens the file, truncates everything written after the snapshot and
 * continues, so a replay after a failure neither duplicates nor loses data.
 *
 * <p>Parts: the file model ({@link Hdf5FileModel}: groups, datasets, links, attributes), raw data appended as it
 * comes ({@link FileAppender}, {@link ChunkAppender}), and at close the metadata ({@link Hdf5MetadataWriter}: object
 * headers of named messages, {@link ObjectHeader}; chunk indexes, {@link ChunkIndexWriter}; the superblock).
 *
 * <p>Not thread-safe.
 */
public final class Hdf5FileWriter implements Closeable {
    static final int SUPERBLOCK_SIZE = Hdf5MetadataWriter.SUPERBLOCK_SIZE;
    /** Written bytes after which the data is flushed to disk in the background (bounds dirty pages). */
    static final long BACKGROUND_SYNC_BYTES = FileAppender.BACKGROUND_SYNC_BYTES;

    private final Path path;
    private final Hdf5FileModel model;
    private final FileAppender file;
    private final ChunkAppender chunks;

    private Hdf5FileWriter(Path path, FileChannel channel, Hdf5FileModel.State state) {
        this.path = path;
        this.model = new Hdf5FileModel(state);
        this.file = new FileAppender(path, channel, state.eof);
        this.chunks = new ChunkAppender(file);
    }

    /**
     * Creates (or replaces) a file and reserves room for the superblock.
     *
     * @param path file to write
     * @return the writer
     * @throws IOException when the file cannot be created
     */
    public static Hdf5FileWriter create(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        Hdf5FileModel.State s = new Hdf5FileModel.State();
        s.eof = SUPERBLOCK_SIZE;
        ch.write(ByteBuffer.wrap(new byte[SUPERBLOCK_SIZE]), 0);
        return new Hdf5FileWriter(path, ch, s);
    }

    /**
     * Reopens a file from a {@link #snapshot()}, dropping everything written after it.
     *
     * @param snapshot bytes returned by {@link #snapshot()}
     * @return the writer, positioned where the snapshot was taken
     * @throws IOException when the file is missing or shorter than at the snapshot
     */
    public static Hdf5FileWriter resume(byte[] snapshot) throws IOException {
        return resume(snapshot, null);
    }

    /**
     * Reopens a file from a {@link #snapshot()} at a given path (where its owner expects it now), dropping
     * everything written after the snapshot.
     *
     * @param snapshot bytes returned by {@link #snapshot()} (any version)
     * @param path     the in-progress file; {@code null}: the path recorded in the snapshot
     * @return the writer, positioned where the snapshot was taken
     * @throws IOException when the snapshot is unreadable, or the file is missing or shorter than at the snapshot
     */
    public static Hdf5FileWriter resume(byte[] snapshot, Path path) throws IOException {
        Hdf5FileModel.State s = Hdf5FileStateCodec.decode(snapshot);
        Path p = path != null ? path : Path.of(s.path);
        if (!Files.exists(p)) {
            throw new IOException("cannot resume HDF5 file " + p + ": in-progress file is missing");
        }
        long size = Files.size(p);
        if (size < s.eof) {
            throw new IOException("cannot resume HDF5 file " + p + ": it has " + size
                    + " bytes, the checkpoint recorded " + s.eof);
        }
        s.path = p.toString();
        FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE);
        ch.truncate(s.eof);
        return new Hdf5FileWriter(p, ch, s);
    }

    /** @return the file being written */
    public Path path() {
        return path;
    }

    /** @return bytes in the file so far (raw data plus reserved superblock) */
    public long length() {
        return file.eof();
    }

    /**
     * Forces written data to disk and returns the writer state (metadata model, chunk index, partly
     * filled chunks, file length) for {@link #resume(byte[])}.
     *
     * @return serialized state; its size does not depend on the amount of frame data written
     * @throws IOException when the data cannot be forced to disk
     */
    public byte[] snapshot() throws IOException {
        file.force(false);
        Hdf5FileModel.State state = model.state();
        state.path = path.toString();
        state.eof = file.eof();
        return Hdf5FileStateCodec.encode(state);
    }

    // ------------------------------------------------------------------ model building

    /**
     * Creates a group and any missing parents.
     *
     * @param groupPath absolute path such as {@code /entry/instrument}
     * @return this
     */
    public Hdf5FileWriter group(String groupPath) {
        model.group(groupPath, true);
        return this;
    }

    /**
     * @param objectPath absolute path
     * @return whether a group, dataset or link of that path exists
     */
    public boolean exists(String objectPath) {
        return model.exists(objectPath);
    }

    /**
     * Sets a string attribute on a group or dataset.
     *
     * @param objectPath path of an existing group or dataset
     * @param name       attribute name
     * @param value      value, stored null-terminated with character set ASCII (see {@link H5Type})
     * @return this
     */
    public Hdf5FileWriter attribute(String objectPath, String name, String value) {
        byte[] b = H5Type.nullTerminated(value);
        return attribute(objectPath, name, H5Type.string(b.length), null, b);
    }

    /**
     * Sets a 64-bit integer attribute.
     *
     * @return this
     */
    public Hdf5FileWriter attribute(String objectPath, String name, long value) {
        return attribute(objectPath, name, H5Type.INT64, null, ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    /**
     * Sets a double attribute.
     *
     * @return this
     */
    public Hdf5FileWriter attribute(String objectPath, String name, double value) {
        return attribute(objectPath, name, H5Type.FLOAT64, null, ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
    }

    /**
     * Sets an attribute of any supported type.
     *
     * @param dims dimensions, {@code null} for a scalar
     * @param data little-endian element bytes
     * @return this
     */
    public Hdf5FileWriter attribute(String objectPath, String name, H5Type type, long[] dims, byte[] data) {
        model.attribute(objectPath, new Hdf5FileModel.Attribute(name, type, dims, data));
        return this;
    }

    /**
     * Writes a small dataset now, contiguously.
     *
     * @param datasetPath absolute path; parent groups are created
     * @param type        element type
     * @param dims        dimensions, {@code null} for a scalar
     * @param data        little-endian element bytes (product of dims times the element size)
     * @return this
     * @throws IOException on write errors
     */
    public Hdf5FileWriter dataset(String datasetPath, H5Type type, long[] dims, byte[] data) throws IOException {
        long expected = type.size();
        if (dims != null) {
            for (long d : dims) {
                expected *= d;
            }
        }
        if (expected != data.length) {
            throw new IllegalArgumentException(datasetPath + ": " + data.length + " bytes given, dims need " + expected);
        }
        Hdf5FileModel.ContiguousDataset ds = new Hdf5FileModel.ContiguousDataset();
        ds.type = type;
        ds.dims = dims;
        ds.size = data.length;
        ds.address = data.length == 0 ? LeBuffer.UNDEFINED : file.append(data, 0, data.length);
        model.link(datasetPath, ds);
        return this;
    }

    /**
     * Declares a dataset without storage: readers get its fill value, zeros (a pixel mask with nothing masked,
     * at no cost in file size).
     *
     * @param datasetPath absolute path; parent groups are created
     * @param type        element type
     * @param dims        dimensions
     * @return this
     */
    public Hdf5FileWriter zeroDataset(String datasetPath, H5Type type, long[] dims) {
        long size = type.size();
        for (long d : dims) {
            size *= d;
        }
        Hdf5FileModel.ContiguousDataset ds = new Hdf5FileModel.ContiguousDataset();
        ds.type = type;
        ds.dims = dims.clone();
        ds.size = size;
        ds.address = LeBuffer.UNDEFINED;
        model.link(datasetPath, ds);
        return this;
    }

    /**
     * Writes a scalar string dataset (null-terminated, character set ASCII).
     *
     * @return this
     * @throws IOException on write errors
     */
    public Hdf5FileWriter stringDataset(String datasetPath, String value) throws IOException {
        byte[] b = H5Type.nullTerminated(value);
        return dataset(datasetPath, H5Type.string(b.length), null, b);
    }

    /**
     * Writes a scalar double dataset with a {@code units} attribute.
     *
     * @return this
     * @throws IOException on write errors
     */
    public Hdf5FileWriter scalarDataset(String datasetPath, double value, String units) throws IOException {
        dataset(datasetPath, H5Type.FLOAT64, null, ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(value).array());
        if (units != null) {
            attribute(datasetPath, "units", units);
        }
        return this;
    }

    /**
     * Adds an external link (a NeXus link to another file).
     *
     * @param linkPath   where the link appears
     * @param file       target file name (relative names resolve against the linking file's directory)
     * @param objectPath path of the target object in that file
     * @return this
     */
    public Hdf5FileWriter externalLink(String linkPath, String file, String objectPath) {
        model.link(linkPath, new Hdf5FileModel.ExternalLink(file, objectPath));
        return this;
    }

    /**
     * Adds a virtual dataset (HDF5 VDS) that stacks whole source datasets of other files along the first
     * dimension, in the order given: what NeXus readers find at {@code /entry/data/data} of a master file.
     * Unmapped rows (a missing source file) read as zeros.
     *
     * @param datasetPath absolute path; parent groups are created
     * @param type        element type of the sources
     * @param rowDims     dimensions of one row (e.g. {@code {height, width}} of a frame)
     * @param sources     source datasets in row order; their row counts add up to the first dimension
     * @return this
     */
    public Hdf5FileWriter virtualDataset(String datasetPath, H5Type type, long[] rowDims, List<VirtualSource> sources) {
        long rows = 0;
        for (VirtualSource s : sources) {
            rows += s.rows();
        }
        long[] dims = new long[rowDims.length + 1];
        dims[0] = rows;
        System.arraycopy(rowDims, 0, dims, 1, rowDims.length);
        model.link(datasetPath, new VirtualDataset(type, dims, sources));
        return this;
    }

    /**
     * Declares a dataset that grows along its first dimension, written chunk by chunk.
     *
     * @param datasetPath absolute path; parent groups are created
     * @param type        element type
     * @param rowDims     dimensions of one row (empty for a 1-D dataset)
     * @param chunkRows   rows per chunk
     * @param compression chunk filter
     * @return the dataset handle for {@link #appendRows} and {@link #appendEncodedChunk}
     */
    public ChunkedDataset chunkedDataset(String datasetPath, H5Type type, long[] rowDims, int chunkRows,
                                         Compression compression) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1");
        }
        ChunkedDataset ds = new ChunkedDataset();
        ds.path = datasetPath;
        ds.type = type;
        ds.rowDims = rowDims.clone();
        ds.chunkRows = chunkRows;
        ds.compression = compression;
        long rowBytes = type.size();
        for (long d : rowDims) {
            rowBytes *= d;
        }
        if (rowBytes * chunkRows > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException(datasetPath + ": chunk of " + rowBytes * chunkRows + " bytes is too large");
        }
        ds.rowBytes = (int) rowBytes;
        ds.pending = new byte[0];
        model.link(datasetPath, ds);
        return ds;
    }

    /**
     * @param datasetPath path given to {@link #chunkedDataset}
     * @return the dataset handle (e.g. after {@link #resume})
     */
    public ChunkedDataset chunked(String datasetPath) {
        return model.chunked(datasetPath);
    }

    /**
     * Appends whole rows; full chunks are encoded and written at once.
     *
     * @param ds   dataset
     * @param src  little-endian row bytes
     * @param off  first byte
     * @param rows number of rows ({@code rows * rowBytes} bytes are read)
     * @throws IOException on write errors
     */
    public void appendRows(ChunkedDataset ds, byte[] src, int off, int rows) throws IOException {
        chunks.appendRows(ds, src, off, rows);
    }

    /**
     * Appends one chunk that the caller already encoded with the dataset's filter (for one-row
     * chunks: frames compressed elsewhere, possibly in parallel).
     *
     * @throws IOException on write errors
     */
    public void appendEncodedChunk(ChunkedDataset ds, byte[] encoded, int off, int len) throws IOException {
        chunks.appendEncodedChunk(ds, encoded, off, len);
    }

    // ------------------------------------------------------------------ close

    /**
     * Writes the remaining partial chunks, all metadata and the superblock, and closes the file.
     *
     * @throws IOException on write errors (the file is then incomplete and must not be committed)
     */
    @Override
    public void close() throws IOException {
        if (!file.isOpen()) {
            return;
        }
        try {
            file.awaitBackgroundSync();
            new Hdf5MetadataWriter(file, chunks).write(model.state().root);
            model.state().eof = file.eof();
            file.force(true);
        } finally {
            file.close();
        }
    }

    /**
     * Closes the file handle without finishing the file, keeping it for {@link #resume} (task shutdown
     * or failure: the in-progress file is truncated to the last snapshot on restore).
     */
    public void release() {
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing to keep: the snapshot decides what survives
        }
    }

    /** Closes the file without finishing it and deletes it. */
    public void abort() {
        release();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: an in-progress name is never committed
        }
    }
}
