package io.beamflow.sink.hdf5;

import java.nio.charset.StandardCharsets;

/**
 * One version-2 object header ("OHDR") being assembled: its messages, each added by a method named after its message
 * type (HDF5 file format specification, section IV.A.2; jhdf names its message classes the same way), and its
 * checksummed encoding.
 */
final class ObjectHeader {
    /** The object header message types this writer emits, with their type numbers. */
    enum MessageType {
        /** Dimensions of a dataset or attribute (0x0001). */
        DATASPACE(0x01),
        /** Link storage of a new-style group (0x0002). */
        LINK_INFO(0x02),
        /** Element type (0x0003). */
        DATATYPE(0x03),
        /** When and with what a dataset's storage is filled (0x0005). */
        FILL_VALUE(0x05),
        /** One link of a group with compact link storage (0x0006). */
        LINK(0x06),
        /** Where and how a dataset's data is stored (0x0008). */
        DATA_LAYOUT(0x08),
        /** Link storage thresholds of a new-style group (0x000A). */
        GROUP_INFO(0x0A),
        /** The filters of a chunked dataset (0x000B). */
        FILTER_PIPELINE(0x0B),
        /** One attribute (0x000C). */
        ATTRIBUTE(0x0C);

        final int code;

        MessageType(int code) {
            this.code = code;
        }
    }

    /** Fill value message flags: space allocated early, fill value written never / at allocation (version 3). */
    static final int FILL_EARLY_NEVER = 0x0A;
    /** Space allocated incrementally (chunked datasets), fill value written never. */
    static final int FILL_INCREMENTAL_NEVER = 0x0B;

    private final LeBuffer msgs = new LeBuffer();

    /** Adds a message of a type with its body. */
    ObjectHeader message(MessageType type, LeBuffer body) {
        msgs.u8(type.code).u16(body.size()).u8(0).bytes(body.array(), 0, body.size());
        return this;
    }

    /** Dataspace message: scalar for {@code null} dims, else simple with these dimensions. */
    ObjectHeader dataspace(long[] dims) {
        return message(MessageType.DATASPACE, dataspaceBody(dims));
    }

    /** Datatype message. */
    ObjectHeader datatype(H5Type type) {
        LeBuffer dt = new LeBuffer();
        type.encode(dt);
        return message(MessageType.DATATYPE, dt);
    }

    /** Fill value message, version 3, with the given flags ({@link #FILL_EARLY_NEVER}, ...). */
    ObjectHeader fillValue(int flags) {
        return message(MessageType.FILL_VALUE, new LeBuffer().u8(3).u8(flags));
    }

    /** Link info message of a group with compact link storage: no creation order, no fractal heap. */
    ObjectHeader linkInfo() {
        return message(MessageType.LINK_INFO, new LeBuffer().u8(0).u8(0).u64(LeBuffer.UNDEFINED).u64(LeBuffer.UNDEFINED));
    }

    /** Group info message with the default thresholds. */
    ObjectHeader groupInfo() {
        return message(MessageType.GROUP_INFO, new LeBuffer().u8(0).u8(0));
    }

    /** Link message of a hard link to the object header at an address. */
    ObjectHeader hardLink(String name, long address) {
        LeBuffer b = linkStart(name, false);
        b.u64(address);
        return message(MessageType.LINK, b);
    }

    /** Link message of an external link (an object in another file). */
    ObjectHeader externalLink(String name, String file, String objectPath) {
        LeBuffer b = linkStart(name, true);
        byte[] f = file.getBytes(StandardCharsets.UTF_8);
        byte[] p = objectPath.getBytes(StandardCharsets.UTF_8);
        b.u16(1 + f.length + 1 + p.length + 1).u8(0).bytes(f).u8(0).bytes(p).u8(0);
        return message(MessageType.LINK, b);
    }

    private static LeBuffer linkStart(String name, boolean external) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
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
        return b.bytes(n);
    }

    /** Data layout message, version 3, contiguous storage. */
    ObjectHeader contiguousLayout(long address, long size) {
        return message(MessageType.DATA_LAYOUT, new LeBuffer().u8(3).u8(1).u64(address).u64(size));
    }

    /**
     * Data layout message, version 3, chunked storage indexed by a version-1 B-tree.
     *
     * @param indexAddress root of the chunk index ({@link LeBuffer#UNDEFINED} when no chunk was written)
     * @param chunkRows    rows per chunk (the chunk's first dimension)
     * @param rowDims      the other dimensions of a chunk (whole rows)
     * @param elementSize  bytes per element
     */
    ObjectHeader chunkedLayout(long indexAddress, int chunkRows, long[] rowDims, int elementSize) {
        LeBuffer layout = new LeBuffer().u8(3).u8(2).u8(rowDims.length + 2).u64(indexAddress);
        layout.u32(chunkRows);
        for (long rd : rowDims) {
            layout.u32(rd);
        }
        layout.u32(elementSize);
        return message(MessageType.DATA_LAYOUT, layout);
    }

    /** Data layout message, version 4, virtual storage whose mapping is in a global heap collection. */
    ObjectHeader virtualLayout(long heapAddress) {
        return message(MessageType.DATA_LAYOUT, VirtualDatasetEncoder.layoutMessage(heapAddress));
    }

    /** Filter pipeline message of a compression (none for {@link Compression#NONE}). */
    ObjectHeader filterPipeline(Compression compression, int elementSize) {
        if (compression == Compression.NONE) {
            return this;
        }
        LeBuffer fp = new LeBuffer();
        compression.encodeFilterPipeline(fp, elementSize);
        return message(MessageType.FILTER_PIPELINE, fp);
    }

    /** Attribute message, version 3, name in ASCII. */
    ObjectHeader attribute(Hdf5FileModel.Attribute a) {
        byte[] n = (a.name() + "\0").getBytes(StandardCharsets.UTF_8);
        LeBuffer dt = new LeBuffer();
        a.type().encode(dt);
        LeBuffer ds = dataspaceBody(a.dims());
        LeBuffer b = new LeBuffer();
        b.u8(3).u8(0).u16(n.length).u16(dt.size()).u16(ds.size()).u8(0); // name character set ASCII
        b.bytes(n).bytes(dt.array(), 0, dt.size()).bytes(ds.array(), 0, ds.size()).bytes(a.data());
        return message(MessageType.ATTRIBUTE, b);
    }

    private static LeBuffer dataspaceBody(long[] dims) {
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

    /** @return the object header: signature, version 2, 4-byte size of chunk 0, the messages, checksum */
    LeBuffer encode() {
        LeBuffer oh = new LeBuffer(msgs.size() + 16);
        oh.ascii("OHDR").u8(2).u8(0x02).u32(msgs.size()).bytes(msgs.array(), 0, msgs.size());
        oh.checksumFrom(0);
        return oh;
    }
}
