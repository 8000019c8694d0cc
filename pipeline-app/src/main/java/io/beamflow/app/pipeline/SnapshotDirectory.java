package io.beamflow.app.pipeline;

import io.beamflow.core.io.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The job's snapshots under {@code reduction.checkpointDirectory}: Flink's retained checkpoints
 * ({@code <job id>/chk-<n>/_metadata}) and Beamflow's savepoints ({@code savepoints/savepoint-*}/_metadata}).
 * A snapshot counts only once its {@code _metadata} exists: Flink writes it last, when the snapshot is
 * complete. The job keeps full (non-incremental) snapshots, so no snapshot refers to another job's files
 * and the older ones can be deleted once a newer one is chosen.
 */
public final class SnapshotDirectory {
    private static final String METADATA = "_metadata";
    private static final String SAVEPOINTS = "savepoints";

    private final Path root;

    /** @param root the job's checkpoint directory */
    public SnapshotDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return where checkpoints go (Flink adds the job id) */
    public Path checkpoints() {
        return root;
    }

    /** @return where savepoints go */
    public Path savepoints() {
        return root.resolve(SAVEPOINTS);
    }

    /**
     * @return the most recently completed snapshot (checkpoint or savepoint) directory, by the time its
     *         {@code _metadata} was written
     * @throws IOException when the directory cannot be listed
     */
    public Optional<Path> newest() throws IOException {
        return snapshots().stream().max(Comparator.comparing(SnapshotDirectory::completedAt)
                .thenComparing(Path::toString));
    }

    /**
     * Deletes every snapshot and job directory except {@code keep} and the job directory holding it;
     * incomplete snapshots (no {@code _metadata}) of other jobs go with their job directory.
     *
     * @param keep a snapshot directory returned by {@link #newest()}
     * @return the directories deleted
     * @throws IOException when one cannot be deleted
     */
    public List<Path> deleteAllBut(Path keep) throws IOException {
        Path kept = keep.toAbsolutePath().normalize();
        List<Path> deleted = new ArrayList<>();
        for (Path dir : children(root)) {
            if (dir.getFileName().toString().equals(SAVEPOINTS)) {
                for (Path savepoint : children(dir)) {
                    if (!savepoint.equals(kept)) {
                        FileTrees.deleteRecursively(savepoint);
                        deleted.add(savepoint);
                    }
                }
            } else if (!kept.startsWith(dir)) {
                FileTrees.deleteRecursively(dir);
                deleted.add(dir);
            }
        }
        return deleted;
    }

    /**
     * @return every complete snapshot directory
     * @throws IOException when the directory cannot be listed
     */
    public List<Path> snapshots() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : children(root)) {
            for (Path snapshot : children(dir)) {
                String name = snapshot.getFileName().toString();
                boolean candidate = dir.getFileName().toString().equals(SAVEPOINTS) ? name.startsWith("savepoint-")
                        : name.startsWith("chk-");
                if (candidate && Files.isRegularFile(snapshot.resolve(METADATA))) {
                    out.add(snapshot);
                }
            }
        }
        return out;
    }

    private static FileTime completedAt(Path snapshot) {
        try {
            return Files.getLastModifiedTime(snapshot.resolve(METADATA));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }
}
