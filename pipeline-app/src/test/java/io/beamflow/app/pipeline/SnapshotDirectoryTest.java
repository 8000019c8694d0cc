package io.beamflow.app.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotDirectoryTest {
    @TempDir
    Path root;

    private Path snapshot(String relative, long completedAtMs) throws Exception {
        Path dir = Files.createDirectories(root.resolve(relative));
        Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(completedAtMs));
        return dir;
    }

    @Test
    void shouldFindNothingInAnEmptyOrMissingDirectory() throws Exception {
        assertEquals(Optional.empty(), new SnapshotDirectory(root).newest());
        assertEquals(Optional.empty(), new SnapshotDirectory(root.resolve("none")).newest());
    }

    @Test
    void shouldChooseTheSnapshotCompletedLastWhetherCheckpointOrSavepoint() throws Exception {
        snapshot("job-a/chk-7", 1_000);
        Path savepoint = snapshot("savepoints/savepoint-aaaaaa-1", 2_000);
        SnapshotDirectory dir = new SnapshotDirectory(root);
        assertEquals(Optional.of(savepoint), dir.newest());

        Path crashed = snapshot("job-b/chk-12", 3_000);
        assertEquals(Optional.of(crashed), dir.newest());
    }

    @Test
    void shouldIgnoreSnapshotsWithoutMetadataAndOtherDirectories() throws Exception {
        Path complete = snapshot("job-a/chk-3", 1_000);
        Files.createDirectories(root.resolve("job-b/chk-9")); // still being written: no _metadata
        Files.createDirectories(root.resolve("job-b/shared"));
        snapshot("job-b/taskowned", 5_000); // not a snapshot directory even with a _metadata file
        assertEquals(Optional.of(complete), new SnapshotDirectory(root).newest());
        assertEquals(List.of(complete), new SnapshotDirectory(root).snapshots());
    }

    @Test
    void shouldDeleteEverySnapshotButTheChosenOneAndKeepItsJobDirectory() throws Exception {
        Path older = snapshot("job-a/chk-7", 1_000);
        Path oldSavepoint = snapshot("savepoints/savepoint-aaaaaa-1", 2_000);
        Path keep = snapshot("job-b/chk-12", 3_000);
        Files.createDirectories(root.resolve("job-b/shared"));
        Files.createDirectories(root.resolve("job-c/chk-1")); // incomplete, of another job

        SnapshotDirectory dir = new SnapshotDirectory(root);
        List<Path> deleted = dir.deleteAllBut(keep);

        assertEquals(3, deleted.size(), deleted.toString());
        assertFalse(Files.exists(older.getParent()));
        assertFalse(Files.exists(oldSavepoint));
        assertFalse(Files.exists(root.resolve("job-c")));
        assertTrue(Files.exists(keep.resolve("_metadata")));
        assertTrue(Files.isDirectory(root.resolve("job-b/shared")));
        assertEquals(List.of(keep), dir.snapshots());
    }
}
