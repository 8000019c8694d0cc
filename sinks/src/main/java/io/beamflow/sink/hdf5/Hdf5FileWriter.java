package io.beamflow.sink.hdf5;

import java.io.Closeable;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * <p>Not thread-safe.
 */
public final class Hdf5FileWriter implements Closeable {
    static final int SUPERBLOCK_SIZE = 48;
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** Fan-out of the version-1 B-tree chunk index (2K with the default K = 32). */
    static final int BTREE_TWO_K = 64;

    private final Path path;
    private FileChannel channel;
    private State state;
    private final Map<ChunkedDataset, ChunkEncoder> encoders = new java.util.IdentityHashMap<>();
    private byte[] encodeBuffer = new byte[0];
    /** Written bytes after which the data is flushed to disk in the background (bounds dirty pages). */
    static final long BACKGROUND_SYNC_BYTES = 64L << 20;
    private static final java.util.concurrent.ExecutorService SYNCER =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "hdf5-background-sync");
                t.setDaemon(true);
                return t;
            });
    private long unsyncedBytes;
    private java.util.concurrent.Future<?> pendingSync;

    private Hdf5FileWriter(Path path, FileChannel channel, State state) {
        this.path = path;
        this.channel = channel;
        this.state = state;
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
        State s = new State();
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
        State s = Hdf5FileStateCodec.decode(snapshot);
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
        return state.eof;
    }

    /**
     * Forces written data to disk and returns the writer state (metadata model, chunk index, partly
     * filled chunks, file length) for {@link #resume(byte[])}.
     *
     * @return serialized state; its size does not depend on the amount of frame data written
     * @throws IOException when the data cannot be forced to disk
     */
    public byte[] snapshot() throws IOException {
        awaitBackgroundSync();
        channel.force(false);
        state.path = path.toString();
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
        resolveGroup(groupPath, true);
        return this;
    }

    /**
     * @param objectPath absolute path
     * @return whether a group, dataset or link of that path exists
     */
    public boolean exists(String objectPath) {
        GroupNode g = state.root;
        for (String part : split(objectPath)) {
            Object child = g == null ? null : g.children.get(part);
            if (child == null) {
                return false;
            }
            g = child instanceof GroupNode sub ? sub : null;
        }
        return true;
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
        Node n = resolve(objectPath);
        n.attributes.removeIf(a -> a.name.equals(name));
        n.attributes.add(new Attribute(name, type, dims, data));
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
        ContiguousDataset ds = new ContiguousDataset();
        ds.type = type;
        ds.dims = dims;
        ds.size = data.length;
        ds.address = data.length == 0 ? LeBuffer.UNDEFINED : append(data, 0, data.length);
        link(datasetPath, ds);
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
        ContiguousDataset ds = new ContiguousDataset();
        ds.type = type;
        ds.dims = dims.clone();
        ds.size = size;
        ds.address = LeBuffer.UNDEFINED;
        link(datasetPath, ds);
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
        link(linkPath, new ExternalLink(file, objectPath));
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
        link(datasetPath, new VirtualDataset(type, dims, sources));
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
        link(datasetPath, ds);
        return ds;
    }

    /**
     * @param datasetPath path given to {@link #chunkedDataset}
     * @return the dataset handle (e.g. after {@link #resume})
     */
    public ChunkedDataset chunked(String datasetPath) {
        Node n = resolve(datasetPath);
        if (!(n instanceof ChunkedDataset)) {
            throw new IllegalArgumentException(datasetPath + " is not a chunked dataset");
        }
        return (ChunkedDataset) n;
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
        int chunkBytes = ds.rowBytes * ds.chunkRows;
        int pos = off;
        for (int r = 0; r < rows; ) {
            if (ds.pendingRows == 0 && rows - r >= ds.chunkRows) {
                writeChunk(ds, src, pos, chunkBytes);
                pos += chunkBytes;
                r += ds.chunkRows;
                ds.rows += ds.chunkRows;
                continue;
            }
            if (ds.pending.length != chunkBytes) {
                ds.pending = new byte[chunkBytes];
            }
            int take = Math.min(rows - r, ds.chunkRows - ds.pendingRows);
            System.arraycopy(src, pos, ds.pending, ds.pendingRows * ds.rowBytes, take * ds.rowBytes);
            ds.pendingRows += take;
            ds.rows += take;
            pos += take * ds.rowBytes;
            r += take;
            if (ds.pendingRows == ds.chunkRows) {
                writeChunk(ds, ds.pending, 0, chunkBytes);
                ds.pendingRows = 0;
            }
        }
    }

    /**
     * Appends one chunk that the caller already encoded with the dataset's filter (for one-row
     * chunks: frames compressed elsewhere, possibly in parallel).
     *
     * @throws IOException on write errors
     */
    public void appendEncodedChunk(ChunkedDataset ds, byte[] encoded, int off, int len) throws IOException {
        if (ds.pendingRows != 0) {
            throw new IllegalStateException(ds.path + ": cannot mix encoded chunks with partial row chunks");
        }
        long addr = append(encoded, off, len);
        ds.addChunk(addr, len);
        ds.rows += ds.chunkRows;
    }

    private void writeChunk(ChunkedDataset ds, byte[] src, int off, int len) throws IOException {
        ChunkEncoder enc = encoders.computeIfAbsent(ds, d -> d.compression.newEncoder());
        if (enc == null) {
            ds.addChunk(append(src, off, len), len);
            return;
        }
        int max = enc.maxEncodedLength(len, ds.type.size());
        if (encodeBuffer.length < max) {
            encodeBuffer = new byte[max];
        }
        int n = enc.encode(src, off, len, ds.type.size(), encodeBuffer);
        ds.addChunk(append(encodeBuffer, 0, n), n);
    }

    private long append(byte[] data, int off, int len) throws IOException {
        long addr = state.eof;
        ByteBuffer bb = ByteBuffer.wrap(data, off, len);
        long pos = addr;
        while (bb.hasRemaining()) {
            pos += channel.write(bb, pos);
        }
        state.eof = pos;
        unsyncedBytes += len;
        if (unsyncedBytes >= BACKGROUND_SYNC_BYTES && (pendingSync == null || pendingSync.isDone())) {
            awaitBackgroundSync();
            unsyncedBytes = 0;
            FileChannel ch = channel;
            pendingSync = SYNCER.submit(() -> {
                ch.force(false);
                return null;
            });
        }
        return addr;
    }

    /** Waits for the background flush and reports its failure (e.g. disk full) as this writer's. */
    private void awaitBackgroundSync() throws IOException {
        java.util.concurrent.Future<?> f = pendingSync;
        pendingSync = null;
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while flushing " + path);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException ? (IOException) c : new IOException("flushing " + path + " failed: " + c, c);
        }
    }

    // ------------------------------------------------------------------ close

    /**
     * Writes the remaining partial chunks, all metadata and the superblock, and closes the file.
     *
     * @throws IOException on write errors (the file is then incomplete and must not be committed)
     */
    @Override
    public void close() throws IOException {
        if (channel == null) {
            return;
        }
        try {
            awaitBackgroundSync();
            long rootAddress = writeObject(state.root);
            LeBuffer sb = new LeBuffer(SUPERBLOCK_SIZE);
            sb.bytes(SIGNATURE).u8(2).u8(8).u8(8).u8(0);
            sb.u64(0).u64(LeBuffer.UNDEFINED).u64(state.eof).u64(rootAddress);
            sb.checksumFrom(0);
            channel.write(ByteBuffer.wrap(sb.toArray()), 0);
            channel.force(true);
        } finally {
            channel.close();
            channel = null;
        }
    }

    /**
     * Closes the file handle without finishing the file, keeping it for {@link #resume} (task shutdown
     * or failure: the in-progress file is truncated to the last snapshot on restore).
     */
    public void release() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing to keep: the snapshot decides what survives
        } finally {
            channel = null;
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

    private long writeObject(Node node) throws IOException {
        LeBuffer msgs = new LeBuffer();
        if (node instanceof GroupNode) {
            GroupNode g = (GroupNode) node;
            Map<String, Long> addresses = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : g.children.entrySet()) {
                if (e.getValue() instanceof Node) {
                    addresses.put(e.getKey(), writeObject((Node) e.getValue()));
                }
            }
            message(msgs, 0x02, new LeBuffer().u8(0).u8(0).u64(LeBuffer.UNDEFINED).u64(LeBuffer.UNDEFINED));
            message(msgs, 0x0A, new LeBuffer().u8(0).u8(0));
            for (Map.Entry<String, Object> e : g.children.entrySet()) {
                message(msgs, 0x06, linkMessage(e.getKey(), e.getValue(), addresses.get(e.getKey())));
            }
        } else if (node instanceof ContiguousDataset) {
            ContiguousDataset d = (ContiguousDataset) node;
            datasetMessages(msgs, d.type, d.dims, 0x0A);
            message(msgs, 0x08, new LeBuffer().u8(3).u8(1).u64(d.address).u64(d.size));
        } else if (node instanceof VirtualDataset v) {
            byte[] heap = VirtualDatasetEncoder.globalHeapCollection(v);
            long heapAddress = append(heap, 0, heap.length);
            datasetMessages(msgs, v.type, v.dims, 0x0A);
            message(msgs, 0x08, VirtualDatasetEncoder.layoutMessage(heapAddress));
        } else {
            ChunkedDataset d = (ChunkedDataset) node;
            if (d.pendingRows > 0) {
                Arrays.fill(d.pending, d.pendingRows * d.rowBytes, d.pending.length, (byte) 0);
                writeChunk(d, d.pending, 0, d.pending.length);
                d.pendingRows = 0;
            }
            long[] dims = new long[d.rowDims.length + 1];
            dims[0] = d.rows;
            System.arraycopy(d.rowDims, 0, dims, 1, d.rowDims.length);
            long btree = writeChunkIndex(d);
            datasetMessages(msgs, d.type, dims, 0x0B);
            LeBuffer layout = new LeBuffer().u8(3).u8(2).u8(dims.length + 1).u64(btree);
            layout.u32(d.chunkRows);
            for (long rd : d.rowDims) {
                layout.u32(rd);
            }
            layout.u32(d.type.size());
            message(msgs, 0x08, layout);
            if (d.compression != Compression.NONE) {
                LeBuffer fp = new LeBuffer();
                d.compression.encodeFilterPipeline(fp, d.type.size());
                message(msgs, 0x0B, fp);
            }
        }
        for (Attribute a : node.attributes) {
            message(msgs, 0x0C, attributeMessage(a));
        }
        LeBuffer oh = new LeBuffer(msgs.size() + 16);
        oh.ascii("OHDR").u8(2).u8(0x02).u32(msgs.size()).bytes(msgs.array(), 0, msgs.size());
        oh.checksumFrom(0);
        return append(oh.array(), 0, oh.size());
    }

    private static void datasetMessages(LeBuffer msgs, H5Type type, long[] dims, int fillFlags) {
        message(msgs, 0x01, dataspace(dims));
        LeBuffer dt = new LeBuffer();
        type.encode(dt);
        message(msgs, 0x03, dt);
        message(msgs, 0x05, new LeBuffer().u8(3).u8(fillFlags));
    }

    private static LeBuffer dataspace(long[] dims) {
        LeBuffer b = new LeBuffer();
        if (dims == null) {
            return b.u8(2).u8(0).u8(0).u8(0);
        }
        b.u8(2).u8(dims.length).u8(0).u8(1);
        for (long d : dims) {
            b.u64(d);
        }
        return b;
    }

    private static void message(LeBuffer msgs, int type, LeBuffer body) {
        msgs.u8(type).u16(body.size()).u8(0).bytes(body.array(), 0, body.size());
    }

    private static LeBuffer linkMessage(String name, Object target, Long address) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        boolean external = target instanceof ExternalLink;
        int lenSize = n.length > 255 ? 1 : 0;
        LeBuffer b = new LeBuffer().u8(1).u8(lenSize | (external ? 0x08 : 0) | 0x10);
        if (external) {
            b.u8(64);
        }
        b.u8(n.length == name.length() ? 0 : 1); // link name character set: ASCII, UTF-8 when it is not ASCII
        if (lenSize == 0) {
            b.u8(n.length);
        } else {
            b.u16(n.length);
        }
        b.bytes(n);
        if (external) {
            ExternalLink x = (ExternalLink) target;
            byte[] f = x.file.getBytes(StandardCharsets.UTF_8);
            byte[] p = x.objectPath.getBytes(StandardCharsets.UTF_8);
            b.u16(1 + f.length + 1 + p.length + 1).u8(0).bytes(f).u8(0).bytes(p).u8(0);
        } else {
            b.u64(address);
        }
        return b;
    }

    private static LeBuffer attributeMessage(Attribute a) {
        byte[] n = (a.name + "\0").getBytes(StandardCharsets.UTF_8);
        LeBuffer dt = new LeBuffer();
        a.type.encode(dt);
        LeBuffer ds = dataspace(a.dims);
        LeBuffer b = new LeBuffer();
        b.u8(3).u8(0).u16(n.length).u16(dt.size()).u16(ds.size()).u8(0); // name character set ASCII
        b.bytes(n).bytes(dt.array(), 0, dt.size()).bytes(ds.array(), 0, ds.size()).bytes(a.data);
        return b;
    }

    /** Writes the version-1 B-tree over the dataset's chunks; returns the root address. */
    private long writeChunkIndex(ChunkedDataset d) throws IOException {
        int n = d.chunkCount;
        if (n == 0) {
            return LeBuffer.UNDEFINED;
        }
        int ndims = d.rowDims.length + 2;
        // level 0: keys are the chunk offsets, children the chunk addresses
        List<long[]> level = new ArrayList<>(); // per node: {address, firstChunk, lastChunkExclusive}
        for (int start = 0; start < n; start += BTREE_TWO_K) {
            int end = Math.min(n, start + BTREE_TWO_K);
            LeBuffer node = nodeHeader(0, end - start);
            for (int i = start; i < end; i++) {
                chunkKey(node, d, i, ndims);
                node.u64(d.chunkAddress[i]);
            }
            chunkKey(node, d, end, ndims);
            level.add(new long[] {finishNode(node, end - start, ndims), start, end});
        }
        int height = 0;
        while (level.size() > 1) {
            height++;
            List<long[]> up = new ArrayList<>();
            for (int start = 0; start < level.size(); start += BTREE_TWO_K) {
                int end = Math.min(level.size(), start + BTREE_TWO_K);
                LeBuffer node = nodeHeader(height, end - start);
                for (int i = start; i < end; i++) {
                    chunkKey(node, d, (int) level.get(i)[1], ndims);
                    node.u64(level.get(i)[0]);
                }
                chunkKey(node, d, (int) level.get(end - 1)[2], ndims);
                up.add(new long[] {finishNode(node, end - start, ndims), level.get(start)[1], level.get(end - 1)[2]});
            }
            level = up;
        }
        return level.get(0)[0];
    }

    private static LeBuffer nodeHeader(int nodeLevel, int entries) {
        return new LeBuffer(4096).ascii("TREE").u8(1).u8(nodeLevel).u16(entries)
                .u64(LeBuffer.UNDEFINED).u64(LeBuffer.UNDEFINED);
    }

    private long finishNode(LeBuffer node, int entries, int ndims) throws IOException {
        int keySize = 8 + 8 * ndims;
        int full = 24 + BTREE_TWO_K * 8 + (BTREE_TWO_K + 1) * keySize;
        node.zeros(full - node.size());
        return append(node.array(), 0, node.size());
    }

    private static void chunkKey(LeBuffer b, ChunkedDataset d, int chunk, int ndims) {
        b.u32(chunk < d.chunkCount ? d.chunkSize[chunk] : 0).u32(0);
        b.u64((long) chunk * d.chunkRows);
        for (int i = 1; i < ndims; i++) {
            b.u64(0);
        }
    }

    // ------------------------------------------------------------------ path handling

    private GroupNode resolveGroup(String groupPath, boolean create) {
        GroupNode g = state.root;
        for (String part : split(groupPath)) {
            Object child = g.children.get(part);
            if (child == null) {
                if (!create) {
                    throw new IllegalArgumentException("no group " + groupPath);
                }
                GroupNode ng = new GroupNode();
                g.children.put(part, ng);
                g = ng;
            } else if (child instanceof GroupNode) {
                g = (GroupNode) child;
            } else {
                throw new IllegalArgumentException(groupPath + ": '" + part + "' is not a group");
            }
        }
        return g;
    }

    private Node resolve(String objectPath) {
        String[] parts = split(objectPath);
        if (parts.length == 0) {
            return state.root;
        }
        GroupNode parent = resolveGroup(parentOf(objectPath), false);
        Object o = parent.children.get(parts[parts.length - 1]);
        if (!(o instanceof Node)) {
            throw new IllegalArgumentException("no object " + objectPath);
        }
        return (Node) o;
    }

    private void link(String objectPath, Object target) {
        String[] parts = split(objectPath);
        if (parts.length == 0) {
            throw new IllegalArgumentException("cannot link to the root group");
        }
        GroupNode parent = resolveGroup(parentOf(objectPath), true);
        String name = parts[parts.length - 1];
        if (parent.children.containsKey(name)) {
            throw new IllegalArgumentException(objectPath + " already exists");
        }
        parent.children.put(name, target);
    }

    private static String parentOf(String p) {
        int i = p.lastIndexOf('/');
        return i <= 0 ? "/" : p.substring(0, i);
    }

    private static String[] split(String p) {
        return Arrays.stream(p.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    // ------------------------------------------------------------------ model

    /** Writer state saved by {@link #snapshot()}. */
    static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        String path;
        long eof;
        GroupNode root = new GroupNode();
    }

    /** An object with attributes. */
    abstract static class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<Attribute> attributes = new ArrayList<>();
    }

    /** A group with compact links. */
    static final class GroupNode extends Node {
        private static final long serialVersionUID = 1L;
        final LinkedHashMap<String, Object> children = new LinkedHashMap<>();
    }

    /** A link into another file. */
    record ExternalLink(String file, String objectPath) implements Serializable {
    }

    /** An attribute. */
    record Attribute(String name, H5Type type, long[] dims, byte[] data) implements Serializable {
    }

    /** A small dataset stored contiguously. */
    static final class ContiguousDataset extends Node {
        private static final long serialVersionUID = 1L;
        H5Type type;
        long[] dims;
        long address;
        long size;
    }

    /** Handle of a dataset growing along its first dimension, one filtered chunk at a time. */
    public static final class ChunkedDataset extends Node {
        private static final long serialVersionUID = 1L;
        String path;
        H5Type type;
        long[] rowDims;
        int rowBytes;
        int chunkRows;
        Compression compression;
        long rows;
        int chunkCount;
        long[] chunkAddress = new long[16];
        int[] chunkSize = new int[16];
        byte[] pending;
        int pendingRows;

        /** Snapshots of version 1 (Java serialization) kept only the used part of the partial chunk. */
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (pendingRows > 0) {
                pending = Arrays.copyOf(pending, rowBytes * chunkRows);
            }
        }

        void addChunk(long address, int size) {
            if (chunkCount == chunkAddress.length) {
                chunkAddress = Arrays.copyOf(chunkAddress, chunkCount * 2);
                chunkSize = Arrays.copyOf(chunkSize, chunkCount * 2);
            }
            chunkAddress[chunkCount] = address;
            chunkSize[chunkCount] = size;
            chunkCount++;
        }

        /** @return rows written so far (including rows waiting in a partial chunk) */
        public long rows() {
            return rows;
        }

        /** @return bytes of one row */
        public int rowBytes() {
            return rowBytes;
        }

        /** @return the chunk filter */
        public Compression compression() {
            return compression;
        }

        /** @return stored bytes of all chunks written so far */
        public long storedBytes() {
            long s = 0;
            for (int i = 0; i < chunkCount; i++) {
                s += chunkSize[i];
            }
            return s;
        }
    }
}
