package io.beamflow.app.demo;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The accounting of one committed series, read back from its NeXus master file
 * ({@code /entry/reduction} attributes written by the HDF5 sink) and its directory.
 *
 * @param master           the master file
 * @param dataFiles        committed data files
 * @param framesReceived   frames that reached the sink
 * @param framesStored     frames whose pixels were written
 * @param framesReducedOnly frames kept as reduced data only
 * @param framesVetoed     frames vetoed by a rule
 * @param framesMissing    frames the sender announced that never arrived
 * @param compressionRatio raw bytes / stored bytes of the pixel data
 * @param ruleVersions     rule versions that decided frames ({@code version:name; ...})
 * @param bytesOnDisk      size of master and data files
 */
public record SeriesOutcome(Path master, List<Path> dataFiles, long framesReceived, long framesStored,
        long framesReducedOnly, long framesVetoed, long framesMissing, double compressionRatio, String ruleVersions,
        long bytesOnDisk) {

    /**
     * @param master a committed master file
     * @return its accounting
     * @throws java.io.IOException when the series directory cannot be listed
     */
    public static SeriesOutcome read(Path master) throws java.io.IOException {
        try (HdfFile file = new HdfFile(master)) {
            Node reduction = file.getByPath("/entry/reduction");
            List<Path> data = new ArrayList<>();
            long bytes = Files.size(master);
            String prefix = master.getFileName().toString().replace("_master.h5", "_data_");
            try (Stream<Path> files = Files.list(master.getParent())) {
                for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                    if (p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".h5")) {
                        data.add(p);
                        bytes += Files.size(p);
                    }
                }
            }
            return new SeriesOutcome(master, List.copyOf(data), longAttr(reduction, "frames_received"),
                    longAttr(reduction, "frames_stored"), longAttr(reduction, "frames_reduced_only"),
                    longAttr(reduction, "frames_vetoed"), longAttr(reduction, "frames_missing"),
                    doubleAttr(reduction, "compression_ratio"), stringAttr(reduction, "rule_versions"), bytes);
        }
    }

    private static Object attr(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            throw new IllegalStateException("master file lacks /entry/reduction@" + name);
        }
        Object v = a.getData();
        if (v != null && v.getClass().isArray() && java.lang.reflect.Array.getLength(v) == 1) {
            v = java.lang.reflect.Array.get(v, 0);
        }
        return v;
    }

    private static long longAttr(Node node, String name) {
        return ((Number) attr(node, name)).longValue();
    }

    private static double doubleAttr(Node node, String name) {
        return ((Number) attr(node, name)).doubleValue();
    }

    private static String stringAttr(Node node, String name) {
        return String.valueOf(attr(node, name));
    }
}
