package io.beamflow.sink.hdf5;

import io.beamflow.core.frame.PixelType;
import io.beamflow.core.wire.SeriesArrays;
import java.io.IOException;
import java.util.List;

/**
 * Writes the named arrays a sender gave at a series start ({@link SeriesArrays}: DECTRIS stream v2's pixel mask,
 * flat field and count-rate table) into the series' master as DECTRIS's filewriter does: {@code pixel_mask} at
 * {@code /entry/instrument/detector/pixel_mask} and {@code detectorSpecific/pixel_mask}, {@code flatfield} and
 * {@code countrate_correction_lookup_table} in the detector group, any other name under {@code detectorSpecific}.
 * Written when the series starts (the data goes to the file then; the checkpointed file model keeps only where),
 * before {@link NxmxMasterLayout}, which then leaves the sender's mask in place.
 */
final class StreamMetadataLayout {
    static final String DETECTOR = NxmxMasterLayout.DETECTOR;

    private StreamMetadataLayout() {
    }

    /**
     * @param master   the series' master file
     * @param encoded  the arrays as carried
     * @param maxBytes most array bytes accepted
     * @return the names written
     * @throws IOException on write errors
     * @throws IllegalArgumentException when {@code encoded} is not a valid encoding within {@code maxBytes}
     */
    static List<String> write(Hdf5FileWriter master, byte[] encoded, long maxBytes) throws IOException {
        List<SeriesArrays.NamedArray> arrays = SeriesArrays.decode(encoded, maxBytes);
        for (SeriesArrays.NamedArray a : arrays) {
            H5Type type = typeOf(a.type());
            switch (a.name()) {
                case "pixel_mask" -> {
                    for (String path : List.of(DETECTOR + "/pixel_mask", DETECTOR + "/detectorSpecific/pixel_mask")) {
                        // its description attribute comes with the NXmx layout at the end: the checkpointed file
                        // model (Hdf5FileStateCodec) holds no scalar attributes (dims null) in the middle of a series
                        put(master, path, type, a);
                    }
                }
                case "flatfield", "countrate_correction_lookup_table" -> put(master, DETECTOR + "/" + a.name(), type, a);
                default -> put(master, DETECTOR + "/detectorSpecific/" + a.name(), type, a);
            }
        }
        return arrays.stream().map(SeriesArrays.NamedArray::name).toList();
    }

    private static void put(Hdf5FileWriter master, String path, H5Type type, SeriesArrays.NamedArray a)
            throws IOException {
        if (!master.exists(path)) {
            master.dataset(path, type, a.dims(), a.data());
        }
    }

    private static H5Type typeOf(PixelType t) {
        return switch (t) {
            case UINT8 -> H5Type.UINT8;
            case UINT16 -> H5Type.UINT16;
            case UINT32 -> H5Type.UINT32;
            case INT32 -> H5Type.INT32;
            case FLOAT32 -> H5Type.FLOAT32;
        };
    }
}
