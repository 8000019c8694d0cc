package io.beamflow.sink.hdf5;

import java.util.List;

/** A virtual dataset in the writer's model: rows of source datasets in other files, stacked along the first dimension. */
final class VirtualDataset extends Hdf5FileModel.Node {
    private static final long serialVersionUID = 1L;
    final H5Type type;
    /** Dimensions of the virtual dataset (first: rows of all sources together). */
    final long[] dims;
    final List<VirtualSource> sources;

    VirtualDataset(H5Type type, long[] dims, List<VirtualSource> sources) {
        this.type = type;
        this.dims = dims.clone();
        this.sources = List.copyOf(sources);
    }
}
