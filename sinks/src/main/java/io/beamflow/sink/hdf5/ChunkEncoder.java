package io.beamflow.sink.hdf5;

/** Encodes one raw HDF5 chunk into its stored (filtered) form. Instances are not thread-safe. */
public interface ChunkEncoder {
    /**
     * @param len         raw chunk bytes
     * @param elementSize bytes per element
     * @return the largest encoded size {@link #encode} can produce for {@code len} bytes
     */
    int maxEncodedLength(int len, int elementSize);

    /**
     * @param src         raw chunk
     * @param off         first byte
     * @param len         number of bytes
     * @param elementSize bytes per element
     * @param dst         output, at least {@link #maxEncodedLength} long
     * @return number of bytes written to {@code dst}
     */
    int encode(byte[] src, int off, int len, int elementSize, byte[] dst);
}
