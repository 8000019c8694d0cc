package io.beamflow.sink.hdf5;

/**
 * One source of a virtual dataset ({@link Hdf5FileWriter#virtualDataset}): all rows of a dataset in another file.
 *
 * @param file    file name (a relative name resolves against the directory of the file holding the virtual dataset)
 * @param dataset path of the dataset in that file
 * @param rows    its first dimension
 */
public record VirtualSource(String file, String dataset, long rows) {
    /** Validates the source. */
    public VirtualSource {
        if (file == null || file.isEmpty() || dataset == null || dataset.isEmpty() || rows < 1) {
            throw new IllegalArgumentException("virtual source needs a file, a dataset and rows >= 1");
        }
    }
}
