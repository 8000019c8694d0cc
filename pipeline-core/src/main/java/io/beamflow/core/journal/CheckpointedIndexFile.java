package io.beamflow.core.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Publishes, per stream, the journal index below which a completed checkpoint no longer needs the
 * journal: {@code <journalDirectory>/.checkpointed/<streamId>} holds the decimal index (replaced
 * atomically). The ingest node may delete journal cycles below it
 * ({@code ReceiveAgent.releaseJournalBelow}); the directory name starts with '.', so stream discovery
 * ignores it.
 */
public final class CheckpointedIndexFile {
    /** Sub-directory of the journal directory holding the published indices. */
    public static final String DIRECTORY = ".checkpointed";

    private final Path directory;

    /** @param journalDirectory the journal directory */
    public CheckpointedIndexFile(String journalDirectory) {
        this.directory = Path.of(journalDirectory, DIRECTORY);
    }

    /**
     * @param streamId stream
     * @param index    next index the job will read after a restore from the completed checkpoint
     * @throws IOException when the file cannot be written
     */
    public void publish(String streamId, long index) throws IOException {
        if (index < 0) {
            return;
        }
        Files.createDirectories(directory);
        Path tmp = Files.createTempFile(directory, "." + streamId, ".tmp");
        Files.writeString(tmp, Long.toString(index), StandardCharsets.US_ASCII);
        Files.move(tmp, directory.resolve(streamId), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * @param journalDirectory the journal directory
     * @param streamId         stream
     * @return the published index, or -1 when none was published yet
     * @throws IOException when the file exists but cannot be read
     */
    public static long read(String journalDirectory, String streamId) throws IOException {
        Path f = Path.of(journalDirectory, DIRECTORY, streamId);
        return Files.exists(f) ? Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).strip()) : -1;
    }
}
