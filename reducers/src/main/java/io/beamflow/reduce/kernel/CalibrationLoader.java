package io.beamflow.reduce.kernel;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads calibration images (pedestal, gain, flat field, mask) from HDF5 files with jhdf. */
public final class CalibrationLoader {
    private CalibrationLoader() {
    }

    /**
     * @param file     HDF5 file
     * @param dataset  dataset path, a 2-D image of {@code pixels} values (any numeric type)
     * @param pixels   expected number of values
     * @return the values as floats
     * @throws IllegalArgumentException naming the file and dataset when missing or of the wrong size
     */
    public static float[] readImage(Path file, String dataset, int pixels) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("calibration file " + file + " does not exist");
        }
        try (HdfFile hdf = new HdfFile(file)) {
            Dataset d = hdf.getDatasetByPath(dataset);
            Object flat = d.getDataFlat();
            int n = Array.getLength(flat);
            if (n != pixels) {
                throw new IllegalArgumentException(file + ":" + dataset + " has " + n + " values, image has "
                        + pixels);
            }
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                Object v = Array.get(flat, i);
                out[i] = v instanceof Boolean b ? (b ? 1f : 0f) : ((Number) v).floatValue();
            }
            return out;
        } catch (io.jhdf.exceptions.HdfException e) {
            throw new IllegalArgumentException("cannot read " + file + ":" + dataset + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param file    HDF5 file
     * @param dataset dataset path of a mask (non-zero: masked)
     * @param pixels  expected number of values
     * @return the mask as bytes (1: masked)
     */
    public static byte[] readMask(Path file, String dataset, int pixels) {
        float[] values = readImage(file, dataset, pixels);
        byte[] mask = new byte[pixels];
        for (int i = 0; i < pixels; i++) {
            mask[i] = values[i] != 0f ? (byte) 1 : 0;
        }
        return mask;
    }
}
