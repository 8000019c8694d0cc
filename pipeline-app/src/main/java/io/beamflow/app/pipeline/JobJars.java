package io.beamflow.app.pipeline;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars a job submitted to a Flink session cluster takes along: every jar of the client's class path
 * except Flink's own (the cluster has those). In the distribution that is {@code lib/} without
 * {@code flink-*.jar}: Beamflow's modules and their libraries (Chronicle, JeroMQ, jhdf, ...).
 */
public final class JobJars {
    private JobJars() {
    }

    /**
     * @param classPath a class path ({@code java.class.path})
     * @return its existing jar files that are not Flink's
     */
    public static List<Path> shippable(String classPath) {
        List<Path> jars = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (name.endsWith(".jar") && !name.startsWith("flink-") && Files.isRegularFile(p)) {
                jars.add(p.toAbsolutePath());
            }
        }
        return jars;
    }
}
